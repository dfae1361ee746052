/* migrate.c — applies the embedded migrations in order, one transaction each. */
#include "migrate.h"

#include <stdio.h>

#include "../base/log.h"
#include "../base/timefmt.h"

static const char create_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

struct version_arg {
  int version;
};

static enum sh_status read_version(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct version_arg *a = arg;
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, create_table_sql, NULL, 0, NULL, err);
  if (rc == SH_OK)
    rc = store_exec(tx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, 0, &rows,
                    err);
  if (rc == SH_OK)
    a->version = (int)store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

static enum sh_status read_version_only(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct version_arg *a = arg;
  struct store_rows *rows = NULL;
  /* Works on an empty database too: the table may not exist yet. */
  const char *sql = store_tx_dialect(tx) == STORE_SQLITE
                        ? "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'"
                        : "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'";
  enum sh_status rc = store_exec(tx, sql, NULL, 0, &rows, err);
  if (rc == SH_OK && store_rows_int(rows, 0, 0) > 0) {
    store_rows_free(rows);
    rows = NULL;
    rc = store_exec(tx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, 0, &rows,
                    err);
    if (rc == SH_OK)
      a->version = (int)store_rows_int(rows, 0, 0);
  } else if (rc == SH_OK) {
    a->version = 0;
  }
  store_rows_free(rows);
  return rc;
}

static enum sh_status apply_one(struct store_tx *tx, void *arg, struct sh_error *err) {
  const struct migration *m = arg;
  struct version_arg current = {0};
  enum sh_status rc = read_version(tx, &current, err);
  if (rc != SH_OK || current.version >= m->version)
    return rc; /* already applied by someone else: nothing to do */
  const char *sql = store_tx_dialect(tx) == STORE_SQLITE ? m->sqlite_sql : m->pg_sql;
  rc = store_exec_script(tx, sql, err);
  if (rc != SH_OK)
    return rc;
  struct store_param p[] = {SP_INT(m->version), SP_TEXT(m->name), SP_INT(time_now())};
  return store_exec(tx,
                    "INSERT INTO schema_migrations (version, name, applied_at) "
                    "VALUES ($1, $2, $3)",
                    p, 3, NULL, err);
}

enum sh_status store_schema_version(struct store *store, int *version, struct sh_error *err) {
  struct version_arg a = {0};
  enum sh_status rc = store_read(store, read_version_only, &a, err);
  if (rc == SH_OK)
    *version = a.version;
  return rc;
}

static enum sh_status refuse_newer(int db_version, struct sh_error *err) {
  char detail[96];
  snprintf(detail, sizeof detail, "database schema %d, this binary knows up to %d", db_version,
           store_migration_count);
  return sh_fail(err, SH_ERR_UNAVAILABLE, "schema_newer_than_binary", NULL, detail);
}

enum sh_status store_migrate(struct store *store, int *applied, struct sh_error *err) {
  struct version_arg a = {0};
  int count = 0;
  enum sh_status rc = store_write(store, read_version, &a, err);
  if (rc != SH_OK)
    return rc;
  if (a.version > store_migration_count)
    return refuse_newer(a.version, err);
  for (int i = a.version; i < store_migration_count; i++) {
    const struct migration *m = &store_migrations[i];
    rc = store_write(store, apply_one, (void *)m, err);
    if (rc != SH_OK) {
      sh_log(LOG_PRIO_ERR, "msg=migration_failed version=%d name=%s", m->version, m->name);
      return rc;
    }
    sh_log(LOG_PRIO_INFO, "msg=migration_applied version=%d name=%s", m->version, m->name);
    count++;
  }
  if (applied)
    *applied = count;
  return SH_OK;
}

enum sh_status store_check_schema(struct store *store, struct sh_error *err) {
  int version = 0;
  enum sh_status rc = store_schema_version(store, &version, err);
  if (rc != SH_OK)
    return rc;
  if (version > store_migration_count)
    return refuse_newer(version, err);
  if (version < store_migration_count) {
    char detail[96];
    snprintf(detail, sizeof detail, "database schema %d, binary %d: run shouhou migrate", version,
             store_migration_count);
    return sh_fail(err, SH_ERR_UNAVAILABLE, "schema_outdated", NULL, detail);
  }
  return SH_OK;
}
