/* ical_feed.c — SQL of the personal iCalendar feed (see ical_feed.h). */
#include "ical_feed.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

enum sh_status store_ical_token_set(struct store_tx *tx, int64_t user_id, const char *hash,
                                    struct sh_error *err) {
  struct store_param p[] = {hash ? SP_TEXT(hash) : SP_NULL(), SP_INT(user_id)};
  enum sh_status rc =
      store_exec(tx, "UPDATE users SET ical_token_hash = $1 WHERE id = $2", p, 2, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  return rc;
}

enum sh_status store_ical_user_by_hash(struct store_tx *tx, const char *hash, int64_t *user_id,
                                       char **display_name, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(hash)};
  enum sh_status rc =
      store_exec(tx, "SELECT id, display_name FROM users WHERE ical_token_hash = $1 AND active = 1",
                 p, 1, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    char *name = store_rows_strdup(rows, 0, 1);
    if (!name) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    } else {
      *user_id = store_rows_int(rows, 0, 0);
      *display_name = name;
    }
  }
  store_rows_free(rows);
  return rc;
}

static void appointment_clear(struct ical_appointment *a) {
  free(a->status);
  free(a->number);
  free(a->customer_name);
  free(a->site_address);
  free(a->fault);
  free(a->contact_name);
  free(a->contact_phone);
  free(a->agreed_with);
  free(a->note);
}

void ical_appointments_free(struct ical_appointment *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    appointment_clear(&list[i]);
  free(list);
}

static char *text_at(const struct store_rows *rows, size_t r, size_t c, bool *ok) {
  const char *s = store_rows_text(rows, r, c);
  char *copy = sh_strdup(s ? s : "");
  if (!copy)
    *ok = false;
  return copy;
}

enum sh_status store_ical_appointments(struct store_tx *tx, int64_t technician_id, int64_t from,
                                       int64_t to, int limit, struct ical_appointment **out,
                                       size_t *count, struct sh_error *err) {
  /* By the index ticket_appointments_technician (technician_id, starts_at). */
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(technician_id), SP_INT(from), SP_INT(to), SP_INT(limit)};
  enum sh_status rc = store_exec(
      tx,
      "SELECT a.id, a.ticket_id, a.starts_at, a.ends_at, a.updated_at, a.sequence, a.status, "
      "t.number, c.name, t.site_address, t.fault, t.contact_name, t.contact_phone, "
      "a.agreed_with, a.note FROM ticket_appointments a JOIN tickets t ON t.id = a.ticket_id "
      "JOIN customers c ON c.id = t.customer_id WHERE a.technician_id = $1 AND "
      "a.starts_at >= $2 AND a.starts_at < $3 AND a.status IN ('agreed', 'rescheduled') "
      "ORDER BY a.starts_at, a.id LIMIT $4",
      p, 4, &rows, err);
  if (rc != SH_OK)
    return rc;
  size_t n = store_rows_count(rows);
  struct ical_appointment *list = sh_calloc(n ? n : 1, sizeof *list);
  bool ok = list != NULL;
  for (size_t i = 0; ok && i < n; i++) {
    struct ical_appointment *a = &list[i];
    a->id = store_rows_int(rows, i, 0);
    a->ticket_id = store_rows_int(rows, i, 1);
    a->starts_at = store_rows_int(rows, i, 2);
    a->ends_at = store_rows_int(rows, i, 3);
    a->updated_at = store_rows_int(rows, i, 4);
    a->sequence = store_rows_int(rows, i, 5);
    a->status = text_at(rows, i, 6, &ok);
    a->number = text_at(rows, i, 7, &ok);
    a->customer_name = text_at(rows, i, 8, &ok);
    a->site_address = text_at(rows, i, 9, &ok);
    a->fault = text_at(rows, i, 10, &ok);
    a->contact_name = text_at(rows, i, 11, &ok);
    a->contact_phone = text_at(rows, i, 12, &ok);
    a->agreed_with = text_at(rows, i, 13, &ok);
    a->note = text_at(rows, i, 14, &ok);
  }
  store_rows_free(rows);
  if (!ok) {
    ical_appointments_free(list, n);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  *out = list;
  *count = n;
  return SH_OK;
}
