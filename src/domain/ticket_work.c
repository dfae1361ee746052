/* ticket_work.c — the records a ticket gathers (see ticket.h): appointments and delays
 * (SPEC C3, work plan 3 §三), parts billed by B3, spare-unit loans (C2's 72 h
 * substitution), promised replies (C5), the after-sales receipt (C6) and the customer's
 * signature; and the views built from them: the bill, the dispatch board, a unit's service
 * history, the receipt search. Each action runs inside ticket.c's unit (ticket_work_act). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/codec.h"
#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/multipart.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../export/report.h"
#include "../store/attachments.h"
#include "../store/equipment.h"
#include "checks.h"
#include "outbox.h"
#include "settings.h"
#include "ticket_internal.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

/* ---- appointments and delays (SPEC C3) ----------------------------------------------- */

struct appointment_body {
  int64_t starts_at, ends_at, phoned_at;
  char *agreed_with, *note;
};

static enum sh_status act_appointment(struct ticket_ctx *c, struct sh_error *err) {
#define AF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct appointment_body, name) }
  static const struct jfield fields[] = {
      AF(starts_at, JF_TIME, JF_REQUIRED, 0, 0),
      AF(ends_at, JF_TIME, JF_NULLABLE, 0, 0),
      AF(phoned_at, JF_TIME, JF_NULLABLE, 0, 0),
      AF(agreed_with, JF_STRING, JF_NULLABLE, 0, 100),
      AF(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
  };
#undef AF
  struct appointment_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 5, &b, err);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK && !c->t->technician_id)
    rc = sh_fail(err, SH_ERR_CONFLICT, "not_assigned", "technician_id", NULL);
  if (rc == SH_OK && b.ends_at && b.ends_at <= b.starts_at)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "ends_at", NULL);
  if (rc == SH_OK && b.starts_at < c->t->called_at)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "starts_at", NULL);
  /* A new appointment replaces the one agreed before (it was moved). */
  if (rc == SH_OK)
    rc = store_appointments_reschedule(c->tx, c->t->id, c->now, err);
  struct ticket_appointment a = {.ticket_id = c->t->id,
                                 .technician_id = c->t->technician_id,
                                 .starts_at = b.starts_at,
                                 .ends_at = b.ends_at ? b.ends_at : b.starts_at + 3600,
                                 .phoned_at = b.phoned_at ? b.phoned_at : c->now,
                                 .agreed_with = b.agreed_with,
                                 .note = b.note,
                                 .created_by = c->actor->user_id,
                                 .created_at = c->now};
  int64_t id = 0;
  if (rc == SH_OK)
    rc = store_appointment_insert(c->tx, &a, &id, err);
  if (rc == SH_OK) {
    int tz = c->app->tz_offset_minutes;
    jsonx_set_int(c->detail, "appointment_id", id);
    jsonx_set_time(c->detail, "starts_at", a.starts_at, tz);
    jsonx_set_time(c->detail, "ends_at", a.ends_at, tz);
    jsonx_set_time(c->detail, "phoned_at", a.phoned_at, tz);
    jsonx_set_str(c->detail, "agreed_with", b.agreed_with);
  }
  free(b.agreed_with);
  free(b.note);
  return rc;
}

struct delay_body {
  char *party, *reason;
  int64_t from, to, reschedule_to;
};

static enum sh_status act_delay(struct ticket_ctx *c, struct sh_error *err) {
#define DF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct delay_body, name) }
  static const struct jfield fields[] = {
      DF(party, JF_STRING, JF_REQUIRED, 1, 16),
      DF(reason, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
      DF(from, JF_TIME, JF_REQUIRED, 0, 0),
      DF(to, JF_TIME, JF_REQUIRED, 0, 0),
      DF(reschedule_to, JF_TIME, JF_NULLABLE, 0, 0),
  };
#undef DF
  struct delay_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 5, &b, err);
  bool customer = rc == SH_OK && strcmp(b.party, "customer") == 0;
  if (rc == SH_OK && !customer && strcmp(b.party, "technician") != 0)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_choice", "party", "customer,technician");
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK && b.to <= b.from)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "to", NULL);
  if (rc == SH_OK && (b.from < c->t->called_at || b.to - b.from > 30 * 86400))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "from", NULL);
  /* Customer delays may not overlap: each is paused (or excluded) once. */
  void *list = NULL;
  size_t n = 0;
  if (rc == SH_OK)
    rc = store_work_list(c->tx, WORK_DELAY, c->t->id, &list, &n, err);
  const struct ticket_delay *delays = list;
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    if (strcmp(delays[i].party, "customer") == 0 && b.from < delays[i].to_at &&
        delays[i].from_at < b.to)
      rc = sh_fail(err, SH_ERR_CONFLICT, "delay_overlaps", "from", NULL);
  if (rc == SH_OK && n >= 60)
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_delays", "from", NULL);
  work_list_free(WORK_DELAY, list, n);
  struct ticket_delay d = {.ticket_id = c->t->id,
                           .party = b.party,
                           .from_at = b.from,
                           .to_at = b.to,
                           .reason = b.reason,
                           .rescheduled = b.reschedule_to != 0,
                           .created_by = c->actor->user_id,
                           .created_at = c->now};
  int64_t id = 0;
  if (rc == SH_OK)
    rc = store_delay_insert(c->tx, &d, &id, err);
  /* A customer who was late and had to be rescheduled is marked for the next service
   * (work plan 3 §三.2: 在下次服务时对以上客户做好标记). */
  if (rc == SH_OK && customer && b.reschedule_to)
    rc = store_customer_mark_late(c->tx, c->t->customer_id, err);
  if (rc == SH_OK && b.reschedule_to && c->t->technician_id) {
    rc = store_appointments_reschedule(c->tx, c->t->id, c->now, err);
    struct ticket_appointment a = {.ticket_id = c->t->id,
                                   .technician_id = c->t->technician_id,
                                   .starts_at = b.reschedule_to,
                                   .ends_at = b.reschedule_to + 3600,
                                   .phoned_at = c->now,
                                   .note = b.reason,
                                   .created_by = c->actor->user_id,
                                   .created_at = c->now};
    int64_t aid = 0;
    if (rc == SH_OK)
      rc = store_appointment_insert(c->tx, &a, &aid, err);
  }
  if (rc == SH_OK && customer)
    rc = ticket_recompute(c, err);
  if (rc == SH_OK) {
    int tz = c->app->tz_offset_minutes;
    jsonx_set_int(c->detail, "delay_id", id);
    jsonx_set_str(c->detail, "party", b.party);
    jsonx_set_time(c->detail, "from", b.from, tz);
    jsonx_set_time(c->detail, "to", b.to, tz);
    jsonx_set_str(c->detail, "reason", b.reason);
    if (b.reschedule_to)
      jsonx_set_time(c->detail, "reschedule_to", b.reschedule_to, tz);
  }
  free(b.party);
  free(b.reason);
  return rc;
}

/* ---- parts (B3, C4) and spare loans (C2) --------------------------------------------- */

struct part_body {
  char *name, *part_no, *faulty_serial, *replacement_serial;
  int64_t quantity, unit_price_fen;
};

static enum sh_status act_part(struct ticket_ctx *c, struct sh_error *err) {
#define PF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct part_body, name) }
  static const struct jfield fields[] = {
      PF(name, JF_STRING, JF_REQUIRED, 1, 100),
      PF(part_no, JF_STRING, JF_NULLABLE, 0, 64),
      PF(faulty_serial, JF_STRING, JF_NULLABLE, 0, 64),
      PF(replacement_serial, JF_STRING, JF_NULLABLE, 0, 64),
      PF(quantity, JF_INT, JF_REQUIRED, 1, 10000),
      PF(unit_price_fen, JF_INT, JF_REQUIRED, 0, 100000000),
  };
#undef PF
  struct part_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 6, &b, err);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  /* B3: in warranty, parts are free for equipment the company sold; out of it, charged at
   * the manufacturer's list price, which the line records either way. */
  struct ticket_part p = {.ticket_id = c->t->id,
                          .name = b.name,
                          .part_no = b.part_no,
                          .quantity = b.quantity,
                          .unit_price_fen = b.unit_price_fen,
                          .free = c->t->parts_free,
                          .line_fen = c->t->parts_free ? 0 : b.quantity * b.unit_price_fen,
                          .faulty_serial = b.faulty_serial,
                          .replacement_serial = b.replacement_serial,
                          .created_by = c->actor->user_id,
                          .created_at = c->now};
  int64_t id = 0;
  if (rc == SH_OK)
    rc = store_part_insert(c->tx, &p, &id, err);
  if (rc == SH_OK) {
    jsonx_set_int(c->detail, "part_id", id);
    jsonx_set_str(c->detail, "name", b.name);
    jsonx_set_str(c->detail, "part_no", b.part_no);
    jsonx_set_int(c->detail, "quantity", b.quantity);
    jsonx_set_int(c->detail, "unit_price_fen", b.unit_price_fen);
    jsonx_set_bool(c->detail, "free", p.free);
    jsonx_set_int(c->detail, "line_fen", p.line_fen);
    jsonx_set_str(c->detail, "faulty_serial", b.faulty_serial);
    jsonx_set_str(c->detail, "replacement_serial", b.replacement_serial);
  }
  free(b.name);
  free(b.part_no);
  free(b.faulty_serial);
  free(b.replacement_serial);
  return rc;
}

struct loan_body {
  char *spare_serial, *spare_model, *note;
  int64_t lent_at, loan_id, returned_at;
};

static enum sh_status act_loan(struct ticket_ctx *c, struct sh_error *err) {
#define LF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct loan_body, name) }
  static const struct jfield fields[] = {
      LF(spare_serial, JF_STRING, JF_REQUIRED, 1, 64),
      LF(spare_model, JF_STRING, JF_REQUIRED, 1, 100),
      LF(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
      LF(lent_at, JF_TIME, JF_NULLABLE, 0, 0),
  };
#undef LF
  struct loan_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 4, &b, err);
  int64_t at = b.lent_at ? b.lent_at : c->now;
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK && (at < c->t->called_at || at > c->now + 300))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "lent_at", NULL);
  struct spare_loan l = {.ticket_id = c->t->id,
                         .equipment_id = c->t->equipment_id,
                         .faulty_serial = c->t->serial_no,
                         .spare_serial = b.spare_serial,
                         .spare_model = b.spare_model,
                         .lent_at = at,
                         .note = b.note,
                         .created_by = c->actor->user_id,
                         .created_at = c->now};
  int64_t id = 0;
  if (rc == SH_OK)
    rc = store_loan_insert(c->tx, &l, &id, err);
  /* The spare unit keeps the system running (C2): the substitution stage is met, and so is
   * the fault-cleared stage — the customer's system works again. The repair of the faulty
   * unit goes on until it is returned. */
  if (rc == SH_OK && !c->t->substituted_at) {
    c->t->substituted_at = at;
    c->save = true;
    rc = ticket_meet(c, "substitute", 0, at, err);
    if (rc == SH_OK)
      rc = ticket_meet(c, "clear", 0, at, err);
    if (rc == SH_OK && !c->t->arrived_at)
      rc = ticket_meet(c, "onsite", 0, at, err);
  }
  if (rc == SH_OK) {
    jsonx_set_int(c->detail, "loan_id", id);
    jsonx_set_str(c->detail, "faulty_serial", c->t->serial_no);
    jsonx_set_str(c->detail, "spare_serial", b.spare_serial);
    jsonx_set_str(c->detail, "spare_model", b.spare_model);
    jsonx_set_time(c->detail, "lent_at", at, c->app->tz_offset_minutes);
  }
  free(b.spare_serial);
  free(b.spare_model);
  free(b.note);
  return rc;
}

static enum sh_status act_loan_return(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"loan_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct loan_body, loan_id)},
      {"returned_at", JF_TIME, JF_NULLABLE, 0, 0, offsetof(struct loan_body, returned_at)},
  };
  struct loan_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 2, &b, err);
  int64_t at = b.returned_at ? b.returned_at : c->now;
  if (rc == SH_OK && at > c->now + 300)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "returned_at", NULL);
  /* The loan may end after the ticket closed: the spare comes home later. */
  if (rc == SH_OK)
    rc = store_loan_return(c->tx, c->t->id, b.loan_id, at, c->now, err);
  if (rc == SH_OK) {
    jsonx_set_int(c->detail, "loan_id", b.loan_id);
    jsonx_set_time(c->detail, "returned_at", at, c->app->tz_offset_minutes);
  }
  return rc;
}

/* ---- promised replies (C5) ----------------------------------------------------------- */

struct promise_body {
  int64_t due_at, seq;
  char *note;
};

static enum sh_status act_promise(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"due_at", JF_TIME, JF_REQUIRED, 0, 0, offsetof(struct promise_body, due_at)},
      {"note", JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 500, offsetof(struct promise_body, note)},
  };
  struct promise_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 2, &b, err);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK && b.due_at <= c->now)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "due_at", NULL);
  struct ticket_deadline *list = NULL;
  size_t n = 0;
  int64_t seq = 1, lead = 0;
  if (rc == SH_OK)
    rc = store_deadlines_list(c->tx, c->t->id, &list, &n, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    if (strcmp(list[i].stage, "promise") == 0 && list[i].seq >= seq)
      seq = list[i].seq + 1;
  ticket_deadlines_free(list, n);
  if (rc == SH_OK)
    rc = settings_int(c->tx, "sla.warning_lead_minutes", &lead, err);
  int64_t warn = b.due_at - lead * 60 > c->now ? b.due_at - lead * 60 : c->now;
  struct ticket_deadline d = {.ticket_id = c->t->id,
                              .stage = "promise",
                              .seq = seq,
                              .due_at = b.due_at,
                              .warn_at = warn,
                              .appraisal_due_at = b.due_at,
                              .next_check_at = warn,
                              .note = b.note,
                              .created_by = c->actor->user_id,
                              .created_at = c->now};
  if (rc == SH_OK)
    rc = store_deadline_insert(c->tx, &d, err);
  if (rc == SH_OK) {
    jsonx_set_int(c->detail, "seq", seq);
    jsonx_set_time(c->detail, "due_at", b.due_at, c->app->tz_offset_minutes);
    jsonx_set_str(c->detail, "note", b.note);
  }
  free(b.note);
  return rc;
}

static enum sh_status act_promise_kept(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"seq", JF_INT, JF_REQUIRED, 1, 1000, offsetof(struct promise_body, seq)},
  };
  struct promise_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 1, &b, err);
  struct ticket_deadline *list = NULL;
  size_t n = 0;
  bool found = false;
  if (rc == SH_OK)
    rc = store_deadlines_list(c->tx, c->t->id, &list, &n, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    if (strcmp(list[i].stage, "promise") == 0 && list[i].seq == b.seq) {
      found = true;
      if (list[i].met_at)
        rc = sh_fail(err, SH_ERR_CONFLICT, "already_kept", "seq", NULL);
    }
  ticket_deadlines_free(list, n);
  if (rc == SH_OK && !found)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", "seq", NULL);
  /* Met only if still unmet when written: on PostgreSQL two requests may both have read it
   * pending above; the second then waits for the first and finds it met. */
  bool met = false;
  if (rc == SH_OK)
    rc = store_deadline_meet(c->tx, c->t->id, "promise", b.seq, c->now, &met, err);
  if (rc == SH_OK && !met)
    rc = sh_fail(err, SH_ERR_CONFLICT, "already_kept", "seq", NULL);
  if (rc == SH_OK)
    jsonx_set_int(c->detail, "seq", b.seq);
  return rc;
}

/* ---- the receipt (C6) and the signature --------------------------------------------- */

struct receipt_body {
  char *receipt_no, *returned_on, *signed_by, *note;
  bool satisfied;
};

static enum sh_status act_receipt(struct ticket_ctx *c, struct sh_error *err) {
#define RF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct receipt_body, name) }
  static const struct jfield fields[] = {
      RF(receipt_no, JF_STRING, JF_NULLABLE, 0, 64),
      RF(returned_on, JF_DATE, JF_REQUIRED, 0, 0),
      RF(signed_by, JF_STRING, JF_NULLABLE, 0, 100),
      RF(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 1000),
      RF(satisfied, JF_BOOL, JF_NULLABLE, 0, 0),
  };
#undef RF
  struct receipt_body b = {0};
  uint64_t present = 0;
  enum sh_status rc = jsonx_decode(c->body, fields, 5, &b, &present, NULL, err);
  if (rc == SH_OK && !(present & (1u << 1)))
    rc = sh_fail(err, SH_ERR_INVALID, "field_required", "returned_on", NULL);
  json_t *sat = json_object_get(c->body, "satisfied");
  struct ticket_receipt r = {.ticket_id = c->t->id,
                             .receipt_no = b.receipt_no,
                             .returned_on = b.returned_on,
                             .signed_by = b.signed_by,
                             .satisfied = json_is_boolean(sat) ? (b.satisfied ? 1 : 0) : -1,
                             .note = b.note,
                             .created_by = c->actor->user_id,
                             .created_at = c->now};
  struct buf s;
  buf_init(&s, 16 * 1024);
  const char *parts[] = {b.receipt_no, c->t->number, c->t->customer_name, b.signed_by, b.note};
  for (size_t i = 0; rc == SH_OK && i < 5; i++) {
    rc = utf8_fold(&s, nz(parts[i]));
    if (rc == SH_OK)
      rc = buf_append_str(&s, "\n");
  }
  int64_t id = 0;
  if (rc == SH_OK)
    rc = store_receipt_insert(c->tx, &r, s.data, &id, err);
  buf_free(&s);
  if (rc == SH_OK) {
    jsonx_set_int(c->detail, "receipt_id", id);
    jsonx_set_str(c->detail, "receipt_no", b.receipt_no);
    jsonx_set_str(c->detail, "returned_on", b.returned_on);
    jsonx_set_str(c->detail, "signed_by", b.signed_by);
  }
  free(b.receipt_no);
  free(b.returned_on);
  free(b.signed_by);
  free(b.note);
  return rc;
}

/* The signature image: a PNG from the phone's signature pad, at most this large. */
#define SIGNATURE_MAX_BYTES (512 * 1024)

struct sign_body {
  char *signed_by, *png;
};

static enum sh_status act_sign(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"signed_by", JF_STRING, JF_REQUIRED, 1, 50, offsetof(struct sign_body, signed_by)},
      {"png", JF_STRING, JF_REQUIRED, 1, SIGNATURE_MAX_BYTES * 2, offsetof(struct sign_body, png)},
  };
  struct sign_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 2, &b, err);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK && !c->t->cleared_at && !c->t->substituted_at)
    rc = sh_fail(err, SH_ERR_CONFLICT, "not_cleared", "png", NULL);
  char *bytes = NULL;
  size_t len = 0;
  if (rc == SH_OK) {
    /* Accept the canvas's data URL as it comes. */
    const char *b64 = b.png;
    static const char prefix[] = "data:image/png;base64,";
    if (strncmp(b64, prefix, sizeof prefix - 1) == 0)
      b64 += sizeof prefix - 1;
    bytes = base64_decode(b64, SIGNATURE_MAX_BYTES * 2, &len);
    if (!bytes || len > SIGNATURE_MAX_BYTES)
      rc = sh_fail(err, SH_ERR_INVALID, "invalid_signature", "png", NULL);
    else if (!multipart_sniff_type((const unsigned char *)bytes, len) ||
             strcmp(multipart_sniff_type((const unsigned char *)bytes, len), "image/png") != 0)
      rc = sh_fail(err, SH_ERR_INVALID, "invalid_signature", "png", "not a PNG image");
    else if (report_signature_check((const unsigned char *)bytes, len, err) != SH_OK) {
      char why[sizeof err->detail];
      snprintf(why, sizeof why, "%s", err->detail);
      rc = sh_fail(err, SH_ERR_INVALID, "invalid_signature", "png", why);
    }
  }
  int64_t id = 0;
  if (rc == SH_OK) {
    char sha[65];
    sha256_hex(bytes, len, sha);
    struct attachment_info info = {.owner_kind = "ticket",
                                   .owner_id = c->t->id,
                                   .kind = "signature",
                                   .name = "signature.png",
                                   .content_type = "image/png",
                                   .size = (int64_t)len,
                                   .sha256 = sha,
                                   .created_by = c->actor->user_id,
                                   .created_at = c->now};
    rc = store_attachment_insert(c->tx, &info, bytes, len, &id, err);
  }
  if (rc == SH_OK) {
    char *who = sh_strdup(b.signed_by);
    if (!who)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    else {
      free(c->t->signed_by);
      c->t->signed_by = who;
      c->t->signature_id = id;
      c->t->signed_at = c->now;
      c->save = true;
      jsonx_set_int(c->detail, "attachment_id", id);
      jsonx_set_str(c->detail, "signed_by", b.signed_by);
    }
  }
  free(bytes);
  free(b.signed_by);
  free(b.png);
  return rc;
}

/* ---- escalation of a demand (C5; work plan 3 §四.4: 在面对客户物理要求时不能立即回绝, ...
 * 若客户反映激烈, 在保持一定原则的前提下, 反馈给公司, 做进一步的安排)
 * ------------------------------ */

struct escalate_body {
  char *reason;
};

static enum sh_status act_escalate(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"reason", JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 1000,
       offsetof(struct escalate_body, reason)},
  };
  struct escalate_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 1, &b, err);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  /* The desk does not refuse on the phone: it reports to the management of the region
   * (department head) and the engineering manager, who decide the further arrangement. */
  int told = 0, more = 0;
  char subject[160], body[1400];
  snprintf(subject, sizeof subject, "【工单%s】客户诉求需公司决定", c->t->number);
  /* Byte limits cut on a whole character: PostgreSQL refuses broken UTF-8. */
  const char *reason = b.reason ? b.reason : "";
  snprintf(body, sizeof body, "客户：%s\n故障：%.*s\n情况：%.*s", nz(c->t->customer_name),
           (int)utf8_clip(c->t->fault, 400), c->t->fault, (int)utf8_clip(reason, 800), reason);
  utf8_trim_tail(body);
  if (rc == SH_OK)
    rc = outbox_notify_role(c->tx, ROLE_DEPARTMENT_HEAD, c->t->region_code, c->t->id, subject, body,
                            c->now, &told, err);
  if (rc == SH_OK)
    rc = outbox_notify_role(c->tx, ROLE_ENGINEERING_MANAGER, c->t->region_code, c->t->id, subject,
                            body, c->now, &more, err);
  if (rc == SH_OK) {
    jsonx_set_str(c->detail, "reason", b.reason);
    jsonx_set_int(c->detail, "notified", told + more);
  }
  free(b.reason);
  return rc;
}

enum sh_status ticket_work_act(struct ticket_ctx *c, enum ticket_action action,
                               struct sh_error *err) {
  switch (action) {
  case TICKET_APPOINTMENT:
    return act_appointment(c, err);
  case TICKET_DELAY:
    return act_delay(c, err);
  case TICKET_PART:
    return act_part(c, err);
  case TICKET_LOAN:
    return act_loan(c, err);
  case TICKET_LOAN_RETURN:
    return act_loan_return(c, err);
  case TICKET_PROMISE:
    return act_promise(c, err);
  case TICKET_PROMISE_KEPT:
    return act_promise_kept(c, err);
  case TICKET_RECEIPT:
    return act_receipt(c, err);
  case TICKET_SIGN:
    return act_sign(c, err);
  case TICKET_ESCALATE:
    return act_escalate(c, err);
  default:
    return sh_fail(err, SH_ERR_INTERNAL, "unknown_action", NULL, NULL);
  }
}
