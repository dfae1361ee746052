/* throttle.h — slowing and then locking repeated failed logins (SPEC L; DESIGN.md "Auth":
 * lockout thresholds per account and per address are settings).
 *
 * Our reading, since the rulebook says nothing of logins: after slow_after failures in a
 * row, each further attempt must wait 2^(n - slow_after) seconds (capped at the lock time)
 * since the last failure; at lock_after failures the account is locked for lock_seconds.
 * An address that failed address_max times within window_seconds is refused until the
 * window ends. A success resets the account's count. Pure: "now" is an argument. */
#ifndef SHOUHOU_THROTTLE_H
#define SHOUHOU_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

struct throttle_policy {
  int slow_after;         /* failures before attempts are slowed (0: never slowed) */
  int lock_after;         /* failures that lock the account (0: never locked) */
  int64_t lock_seconds;   /* how long a lock lasts */
  int address_max;        /* failures from one address per window (0: unlimited) */
  int64_t window_seconds; /* the address window */
};

struct account_state {
  int failures;           /* consecutive failures */
  int64_t last_failed_at; /* UTC seconds, 0 if never */
  int64_t locked_until;   /* UTC seconds, 0 if not locked */
};

struct address_state {
  int failures;         /* failures in the current window */
  int64_t window_start; /* UTC seconds */
};

/* Returns 0 if an attempt may be checked now, else the seconds to wait. */
int64_t throttle_wait(const struct throttle_policy *policy, const struct account_state *account,
                      const struct address_state *address, int64_t now);

/* The account after one more failure at now (sets locked_until when it reaches lock_after). */
struct account_state throttle_account_failed(const struct throttle_policy *policy,
                                             struct account_state account, int64_t now);

/* The address after one more failure at now (a new window when the old one ended). */
struct address_state throttle_address_failed(const struct throttle_policy *policy,
                                             struct address_state address, int64_t now);

#endif
