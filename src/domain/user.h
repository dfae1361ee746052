/* user.h — users, roles and region grants (SPEC L; DESIGN.md "Regions"). */
#ifndef SHOUHOU_DOMAIN_USER_H
#define SHOUHOU_DOMAIN_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "../store/users.h"
#include "actor.h"
#include "app.h"

struct user_input {
  char *username;     /* 2..64 of [A-Za-z0-9_.-] */
  char *display_name; /* 1..50 characters */
  char *role;         /* a role name */
  char *password;     /* 8..256 bytes, or NULL for an account that signs in by token only */
  char **regions;     /* granted GB/T 2260 codes (000000: the whole country) */
  size_t nregions;
  int64_t customer_id; /* required for the customer role */
  int64_t dealer_id;   /* for the dealer role (dealers arrive with the installed base) */
  char *email;         /* where notifications are mailed: local@domain.tld, <= 254 bytes; NULL
                        * or "" for none */
  char *phone;         /* digits, spaces and + - ( ), full-width folded, <= 40; NULL or "" for
                        * none */
  bool active;
};

/* Adds a user. actor NULL: the command line. Validation names the field (422 invalid_email,
 * invalid_phone, field_length ...). The strings of in are borrowed. */
enum sh_status user_add(struct app *app, const struct actor *actor, const struct user_input *in,
                        int64_t *id, struct sh_error *err);

/* Changes the fields marked in present (bits of enum user_field) if version is current.
 * Changing the password or deactivating ends the user's sessions. */
enum user_field {
  USER_FIELD_DISPLAY_NAME,
  USER_FIELD_ROLE,
  USER_FIELD_PASSWORD,
  USER_FIELD_REGIONS,
  USER_FIELD_CUSTOMER_ID,
  USER_FIELD_DEALER_ID,
  USER_FIELD_ACTIVE,
  USER_FIELD_EMAIL, /* NULL or "" clears it */
  USER_FIELD_PHONE, /* NULL or "" clears it */
};
enum sh_status user_update(struct app *app, const struct actor *actor, int64_t id, int64_t version,
                           const struct user_input *in, unsigned present, struct sh_error *err);

enum sh_status user_get(struct app *app, int64_t id, struct user_record **out,
                        struct sh_error *err);
/* SH_ERR_NOT_FOUND "user_not_found" if there is no such user. */
enum sh_status user_get_by_username(struct app *app, const char *username, struct user_record **out,
                                    struct sh_error *err);
enum sh_status user_list(struct app *app, bool descending, int64_t offset, int64_t limit,
                         struct user_record ***out, size_t *count, int64_t *total,
                         struct sh_error *err);

/* The most colleagues a picker lists (a department, not a city's directory). */
#define USER_STAFF_MAX 2000

/* Active staff for pickers (hand a ticket over, a visit's leader, a complaint notice's
 * person), ordered by id: every role but dealer and customer, only colleagues whose region
 * grants overlap the caller's (one grant covers the other) — a member of staff in Zhejiang
 * does not list Guangdong's people — optionally only one role and only those whose grants
 * cover a region code. Caller frees each record and the array. */
enum sh_status user_staff_list(struct app *app, const struct actor *actor, const char *role,
                               const char *region, struct user_record ***out, size_t *count,
                               struct sh_error *err);

#endif
