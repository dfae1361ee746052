/* fuzz_app.c — the app of the in-process harnesses (see fuzz_app.h). */
#include "fuzz_app.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/base/log.h"
#include "../../src/domain/calendar.h"
#include "../../src/domain/reference.h"
#include "../../src/domain/session.h"
#include "../../src/domain/user.h"
#include "../../src/store/migrate.h"
#include "../../src/store/store.h"
#include "../../src/store/users.h"
#include "config.h"

static struct app app;
static char dir[96];
static char db_path[128];

static void cleanup(void) {
  store_close(app.store);
  app.store = NULL;
  static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
    char path[160];
    snprintf(path, sizeof path, "%s%s", db_path, suffix[i]);
    unlink(path);
  }
  rmdir(dir);
}

static void die(const char *what, const struct sh_error *err) {
  fprintf(stderr, "fuzz_app: %s: %s %s %s\n", what, err->code, err->field, err->detail);
  abort();
}

/* Removes the folders left by harnesses that are gone: libFuzzer ends a run (a crash, a
 * timeout, -runs) without the atexit handlers, so cleanup() does not always run. */
static void sweep(const char *parent) {
  DIR *d = opendir(parent);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    long pid = 0;
    if (sscanf(e->d_name, "shouhou-fuzz-%ld-", &pid) != 1 || pid <= 0 || kill((pid_t)pid, 0) == 0 ||
        errno != ESRCH)
      continue;
    static const char *const files[] = {"f.db", "f.db-wal", "f.db-shm", "f.db-journal"};
    char path[600];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
      snprintf(path, sizeof path, "%s/%s/%s", parent, e->d_name, files[i]);
      unlink(path);
    }
    snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
    rmdir(path);
  }
  if (d)
    closedir(d);
}

struct app *fuzz_app_open(struct actor *admin) {
  log_set_level(LOG_PRIO_ERR);
  const char *parent = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  sweep(parent);
  snprintf(dir, sizeof dir, "%s/shouhou-fuzz-%ld-XXXXXX", parent, (long)getpid());
  if (!mkdtemp(dir))
    abort();
  snprintf(db_path, sizeof db_path, "%s/f.db", dir);
  char url[160];
  snprintf(url, sizeof url, "sqlite:%s", db_path);
  struct sh_error err;
  sh_error_clear(&err);
  struct store_options options = {.group_commit = false, .read_pool_size = 2};
  app.tz_offset_minutes = 480;
  app.version = "fuzz";
  if (store_open(url, &options, &app.store, &err) != SH_OK)
    die("store_open", &err);
  atexit(cleanup);
  int applied = 0;
  if (store_migrate(app.store, &applied, &err) != SH_OK)
    die("store_migrate", &err);
  size_t count = 0;
  if (reference_load_regions(&app, SHOUHOU_REGIONS_FILE, &count, &err) != SH_OK)
    die("reference_load_regions " SHOUHOU_REGIONS_FILE, &err);
  struct calendar_load_result loaded;
  memset(&loaded, 0, sizeof loaded);
  if (calendar_load_file(&app, SHOUHOU_CALENDAR_FILE, false, &loaded, &err) != SH_OK)
    die("calendar_load_file " SHOUHOU_CALENDAR_FILE, &err);
  calendar_load_result_free(&loaded);
  char *everywhere[] = {"000000"};
  struct user_input in = {.username = "fuzz",
                          .display_name = "Fuzz",
                          .role = "admin",
                          .password = "fuzz-password",
                          .regions = everywhere,
                          .nregions = 1,
                          .active = true};
  int64_t id = 0;
  if (user_add(&app, NULL, &in, &id, &err) != SH_OK)
    die("user_add", &err);
  struct user_record *u = NULL;
  if (user_get_by_username(&app, "fuzz", &u, &err) != SH_OK)
    die("user_get_by_username", &err);
  actor_from_user(u, admin);
  user_record_free(u);
  snprintf(admin->address, sizeof admin->address, "127.0.0.1");
  return &app;
}
