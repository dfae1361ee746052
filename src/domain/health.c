/* health.c — the health check and database statistics. */
#include "health.h"

#include "../store/migrate.h"

enum sh_status health_check(struct app *app, struct health *out, struct sh_error *err) {
  out->database = store_dialect_of(app->store) == STORE_SQLITE ? "sqlite" : "postgres";
  out->binary_schema_version = store_migration_count;
  return store_schema_version(app->store, &out->schema_version, err);
}

void health_db_stats(struct app *app, uint64_t *statements, uint64_t *nanoseconds) {
  store_stats_read(app->store, statements, nanoseconds);
}
