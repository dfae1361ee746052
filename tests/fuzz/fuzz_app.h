/* fuzz_app.h — the app the in-process harnesses (fuzz_api.c, fuzz_headers.c) run on: a fresh
 * SQLite database in a temporary folder (in /dev/shm when there is one), migrated, with the
 * regions and the work calendar loaded and an admin user "fuzz" (regions: the whole country).
 * Removed at exit, or by the next one to start when libFuzzer ended without exit handlers
 * (the folder name holds the process id). Any failure aborts: a harness that cannot start
 * must not pass. */
#ifndef SHOUHOU_FUZZ_APP_H
#define SHOUHOU_FUZZ_APP_H

#include "../../src/domain/actor.h"
#include "../../src/domain/app.h"

/* Opens the app once per process; *admin gets the admin's actor (address 127.0.0.1). */
struct app *fuzz_app_open(struct actor *admin);

#endif
