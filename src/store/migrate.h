/* migrate.h — numbered schema migrations compiled into the binary.
 *
 * Each migration runs in one transaction together with the row that records it, so a
 * migration is either wholly applied and recorded or not at all; running again applies
 * only what is missing. A database recorded at a version newer than this binary knows is
 * refused, naming both versions. */
#ifndef SHOUHOU_MIGRATE_H
#define SHOUHOU_MIGRATE_H

#include "store.h"

struct migration {
  int version;
  const char *name;
  const char *sqlite_sql;
  const char *pg_sql;
};

extern const struct migration store_migrations[];
extern const int store_migration_count;

/* Applies every missing migration. applied (may be NULL) receives how many ran. */
enum sh_status store_migrate(struct store *store, int *applied, struct sh_error *err);

/* The database's schema version (0 for an empty database). */
enum sh_status store_schema_version(struct store *store, int *version, struct sh_error *err);

/* Fails with SH_ERR_UNAVAILABLE "schema_outdated" unless the database is at exactly the
 * binary's version (serve refuses to start on an unmigrated or newer database). */
enum sh_status store_check_schema(struct store *store, struct sh_error *err);

#endif
