/* lease.c — taking, renewing and giving up the job lease (see lease.h). */
#include "lease.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../base/secret.h"
#include "../store/jobs.h"

void lease_holder_make(char out[LEASE_HOLDER_LEN]) {
  char host[64] = "";
  if (gethostname(host, sizeof host - 1) != 0 || !host[0])
    snprintf(host, sizeof host, "localhost");
  host[sizeof host - 1] = '\0';
  /* A random part, so a pid reused after a restart (containers start at pid 1) is still
   * another holder. */
  char token[SECRET_TOKEN_LEN + 1];
  secret_token(token);
  snprintf(out, LEASE_HOLDER_LEN, "%s:%ld:%.12s", host, (long)getpid(), token);
}

struct lease_arg {
  const char *name, *holder;
  int64_t now, expires_at;
  bool held;
};

static enum sh_status acquire_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct lease_arg *a = arg;
  return store_job_lease_acquire(tx, a->name, a->holder, a->now, a->expires_at, &a->held, err);
}

enum sh_status lease_acquire(struct app *app, const char *name, const char *holder,
                             int64_t ttl_seconds, int64_t now, bool *held, struct sh_error *err) {
  struct lease_arg a = {
      .name = name, .holder = holder, .now = now, .expires_at = now + ttl_seconds};
  enum sh_status rc = store_write(app->store, acquire_unit, &a, err);
  if (rc == SH_OK)
    *held = a.held;
  return rc;
}

static enum sh_status release_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct lease_arg *a = arg;
  return store_job_lease_release(tx, a->name, a->holder, err);
}

enum sh_status lease_release(struct app *app, const char *name, const char *holder,
                             struct sh_error *err) {
  struct lease_arg a = {.name = name, .holder = holder};
  return store_write(app->store, release_unit, &a, err);
}
