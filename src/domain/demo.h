/* demo.h — a deterministic demo company (DESIGN.md "Demo data"): users of every role and
 * customers with Chinese names and addresses, from the part lists in data/demo/ and the
 * loaded region table, then their installed base and service tickets (demo_service.h).
 * Refuses a database that already has users or customers. */
#ifndef SHOUHOU_DOMAIN_DEMO_H
#define SHOUHOU_DOMAIN_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "../rules/roles.h"
#include "app.h"
#include "demo_service.h"

struct demo_account {
  char username[32];
  char password[24]; /* random, shown once */
  enum role role;
};

struct demo_result {
  struct demo_account accounts[ROLE_COUNT];
  size_t naccounts;
  size_t customers;
  struct demo_service_result service; /* projects, units, tickets */
};

/* Makes the demo company. dir is the folder of the part lists. */
enum sh_status demo_generate(struct app *app, uint64_t seed, const char *dir, size_t customers,
                             struct demo_result *out, struct sh_error *err);

#endif
