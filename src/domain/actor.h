/* actor.h — who is making a request: the signed-in user, their role and region grants
 * (SPEC L). Filled by domain/session.c from a session or an API token. */
#ifndef SHOUHOU_ACTOR_H
#define SHOUHOU_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/limits.h"
#include "../rules/roles.h"

struct actor {
  int64_t user_id;
  char username[SH_MAX_USERNAME_BYTES + 1];
  char display_name[201]; /* user.c allows 50 characters, at most 4 bytes each: never cut */
  enum role role;
  int64_t dealer_id;   /* for ROLE_DEALER: the dealership whose customers they see; else 0 */
  int64_t customer_id; /* for ROLE_CUSTOMER: their own customer record; else 0 */
  bool via_token;      /* authenticated by an API token (no CSRF check) */
  char csrf_token[65]; /* the session's CSRF token ("" for tokens) */
  char address[64];    /* the client's address, for audit rows */
};

#endif
