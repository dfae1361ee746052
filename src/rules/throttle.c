/* throttle.c — failed-login slowing and lockout (SPEC L, our reading; see throttle.h). */
#include "throttle.h"

/* IMP: SPEC L — repeated failed logins are slowed, then locked. */
int64_t throttle_wait(const struct throttle_policy *p, const struct account_state *account,
                      const struct address_state *address, int64_t now) {
  int64_t wait = 0;
  if (account) {
    if (account->locked_until > now)
      wait = account->locked_until - now;
    if (p->slow_after > 0 && account->failures >= p->slow_after) {
      int extra = account->failures - p->slow_after;
      /* 2^extra seconds, never less after more failures; capped by the lock time when
       * there is one (2^30 s, 34 years, is the ceiling of the shift itself). */
      int64_t delay = (int64_t)1 << (extra > 30 ? 30 : extra);
      if (p->lock_seconds > 0 && delay > p->lock_seconds)
        delay = p->lock_seconds;
      int64_t until = account->last_failed_at + delay;
      if (until > now && until - now > wait)
        wait = until - now;
    }
  }
  if (address && p->address_max > 0 && address->failures >= p->address_max) {
    int64_t end = address->window_start + p->window_seconds;
    if (end > now && end - now > wait)
      wait = end - now;
  }
  return wait;
}

struct account_state throttle_account_failed(const struct throttle_policy *p,
                                             struct account_state account, int64_t now) {
  account.failures++;
  account.last_failed_at = now;
  if (p->lock_after > 0 && account.failures >= p->lock_after)
    account.locked_until = now + p->lock_seconds;
  return account;
}

struct address_state throttle_address_failed(const struct throttle_policy *p,
                                             struct address_state address, int64_t now) {
  if (address.window_start + p->window_seconds <= now) {
    address.window_start = now;
    address.failures = 0;
  }
  address.failures++;
  return address;
}
