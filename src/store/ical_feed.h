/* ical_feed.h — SQL of the personal iCalendar feed: the hash of a user's feed secret
 * (users.ical_token_hash) and the appointments the feed shows. Times are UTC seconds. */
#ifndef SHOUHOU_STORE_ICAL_FEED_H
#define SHOUHOU_STORE_ICAL_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Sets the user's feed hash; NULL removes it (the feed is revoked). */
enum sh_status store_ical_token_set(struct store_tx *tx, int64_t user_id, const char *hash,
                                    struct sh_error *err);

/* The active user whose feed hash is hash (a lookup through the unique index, never a
 * comparison of secrets). SH_ERR_NOT_FOUND if none. *display_name is the caller's (free). */
enum sh_status store_ical_user_by_hash(struct store_tx *tx, const char *hash, int64_t *user_id,
                                       char **display_name, struct sh_error *err);

struct ical_appointment {
  int64_t id, ticket_id;
  int64_t starts_at, ends_at, updated_at;
  int64_t sequence;
  char *status; /* agreed, rescheduled */
  char *number; /* the ticket's SH-… */
  char *customer_name;
  char *site_address;
  char *fault;
  char *contact_name;
  char *contact_phone;
  char *agreed_with;
  char *note;
};

/* Frees count appointments and the array. */
void ical_appointments_free(struct ical_appointment *list, size_t count);

/* The technician's appointments with status agreed or rescheduled starting in [from, to),
 * by start time, at most limit. Caller frees with ical_appointments_free. */
enum sh_status store_ical_appointments(struct store_tx *tx, int64_t technician_id, int64_t from,
                                       int64_t to, int limit, struct ical_appointment **out,
                                       size_t *count, struct sh_error *err);

#endif
