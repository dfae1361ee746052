/* health.h — is the service able to work: the database answers and its schema is the
 * binary's; and the database statistics /metrics shows. */
#ifndef SHOUHOU_DOMAIN_HEALTH_H
#define SHOUHOU_DOMAIN_HEALTH_H

#include <stdint.h>

#include "app.h"
#include "../base/status.h"

struct health {
  const char *database; /* "sqlite" or "postgres" */
  int schema_version;
  int binary_schema_version;
};

enum sh_status health_check(struct app *app, struct health *out, struct sh_error *err);

void health_db_stats(struct app *app, uint64_t *statements, uint64_t *nanoseconds);

#endif
