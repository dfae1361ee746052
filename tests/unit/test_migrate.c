/* test_migrate.c — src/store/migrate.c: the embedded migrations apply once, in order, each
 * wholly or not at all, and a database at another version than the binary's is refused.
 *
 * Every test runs twice, on SQLite (a file in a fresh temp folder) and on PostgreSQL (a fresh
 * database CREATEd on $SHOUHOU_TEST_PG and dropped WITH (FORCE) afterwards). Without
 * SHOUHOU_TEST_PG the PostgreSQL tests fail: a store test that silently ran one driver
 * would prove half of what it claims. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/base/log.h"
#include "../../src/store/migrate.h"
#include "../../src/store/store.h"

/* ---- Fixture: one fresh database per test, on either driver ---- */

struct driver {
  const char *name;
  enum store_dialect dialect;
};

static const struct driver sqlite_driver = {"sqlite", STORE_SQLITE};
static const struct driver pg_driver = {"postgres", STORE_POSTGRES};

struct fixture {
  const struct driver *driver;
  char url[1024];
  char dir[64];    /* SQLite: the temp folder holding t.db */
  char dbname[64]; /* PostgreSQL: the database made for this test */
  struct store *store;
};

/* $SHOUHOU_TEST_PG with its database part replaced by db (query parameters kept). */
static bool pg_url(const char *db, char *out, size_t size) {
  const char *base = getenv("SHOUHOU_TEST_PG");
  if (!base || !*base)
    return false;
  const char *scheme = strstr(base, "://");
  const char *host = scheme ? scheme + 3 : base;
  size_t authority = strcspn(host, "/?");
  const char *query = strchr(host, '?');
  int n = snprintf(out, size, "%.*s/%s%s", (int)(host - base + authority), base, db,
                   query ? query : "");
  return n > 0 && (size_t)n < size;
}

/* Runs one statement on the server's "postgres" database (CREATE/DROP DATABASE). */
static bool pg_admin(const char *sql) {
  char url[1024];
  if (!pg_url("postgres", url, sizeof url))
    return false;
  PGconn *db = PQconnectdb(url);
  bool ok = PQstatus(db) == CONNECTION_OK;
  if (ok) {
    PGresult *r = PQexec(db, sql);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
      print_error("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
  } else {
    print_error("cannot connect to %s: %s", url, PQerrorMessage(db));
  }
  PQfinish(db);
  return ok;
}

static int fixture_teardown(void **state) {
  struct fixture *fx = *state;
  store_close(fx->store);
  if (fx->driver->dialect == STORE_SQLITE) {
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
      char path[128];
      snprintf(path, sizeof path, "%s/t.db%s", fx->dir, suffixes[i]);
      unlink(path);
    }
    rmdir(fx->dir);
  } else {
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", fx->dbname);
    pg_admin(sql);
  }
  free(fx);
  return 0;
}

static int fixture_setup(void **state) {
  static int counter;
  const struct driver *driver = *state;
  struct fixture *fx = calloc(1, sizeof *fx);
  struct sh_error err = {0};
  if (!fx)
    return -1;
  fx->driver = driver;
  log_set_level(LOG_PRIO_WARNING);
  if (driver->dialect == STORE_SQLITE) {
    snprintf(fx->dir, sizeof fx->dir, "/tmp/shouhou-migrate-XXXXXX");
    if (!mkdtemp(fx->dir)) {
      print_error("mkdtemp failed\n");
      free(fx);
      return -1;
    }
    snprintf(fx->url, sizeof fx->url, "sqlite:%s/t.db", fx->dir);
  } else {
    if (!getenv("SHOUHOU_TEST_PG") || !*getenv("SHOUHOU_TEST_PG")) {
      print_error("SHOUHOU_TEST_PG is not set: the PostgreSQL half of the store tests cannot "
                  "run. Run `source /tmp/shouhou-test-env.sh` or scripts/test.sh, or export "
                  "SHOUHOU_TEST_PG=postgresql://USER@HOST:PORT (a superuser, trust auth).\n");
      free(fx);
      return -1;
    }
    char sql[160];
    snprintf(fx->dbname, sizeof fx->dbname, "t_%ld_m%d", (long)getpid(), ++counter);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", fx->dbname);
    if (!pg_admin(sql) || !pg_url(fx->dbname, fx->url, sizeof fx->url)) {
      free(fx);
      return -1;
    }
  }
  *state = fx;
  if (store_open(fx->url, NULL, &fx->store, &err) != SH_OK) {
    print_error("store_open %s: %s %s\n", fx->url, err.code, err.detail);
    fixture_teardown(state);
    return -1;
  }
  return 0;
}

/* ---- Small units ---- */

struct exec_arg {
  const char *sql;
  const struct store_param *params;
  int nparams;
  struct store_rows *rows;
};

static enum sh_status exec_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct exec_arg *a = arg;
  return store_exec(tx, a->sql, a->params, a->nparams, &a->rows, err);
}

/* The integer in the first cell of a one-statement read, or -1 if it failed. */
static int64_t read_int(struct fixture *fx, const char *sql) {
  struct exec_arg a = {.sql = sql};
  struct sh_error err;
  if (store_read(fx->store, exec_unit, &a, &err) != SH_OK) {
    print_error("%s: %s\n", sql, err.code);
    return -1;
  }
  int64_t v = store_rows_int(a.rows, 0, 0);
  store_rows_free(a.rows);
  return v;
}

static void write_sql(struct fixture *fx, const char *sql, const struct store_param *p, int n) {
  struct exec_arg a = {.sql = sql, .params = p, .nparams = n};
  struct sh_error err;
  enum sh_status rc = store_write(fx->store, exec_unit, &a, &err);
  if (rc != SH_OK)
    print_error("%s: %s %s\n", sql, err.code, err.detail);
  assert_int_equal(rc, SH_OK);
  store_rows_free(a.rows);
}

/* Applies migration number `version` by hand, recording it as the migrator does. */
static enum sh_status apply_by_hand(struct store_tx *tx, void *arg, struct sh_error *err) {
  const struct migration *m = arg;
  enum sh_status rc = store_exec_script(
      tx,
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
      err);
  if (rc == SH_OK)
    rc = store_exec_script(tx, store_tx_dialect(tx) == STORE_SQLITE ? m->sqlite_sql : m->pg_sql,
                           err);
  struct store_param p[] = {SP_INT(m->version), SP_TEXT(m->name)};
  if (rc == SH_OK)
    rc = store_exec(tx,
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 0)",
                    p, 2, NULL, err);
  return rc;
}

static int schema_version(struct fixture *fx) {
  int version = -1;
  struct sh_error err;
  assert_int_equal(store_schema_version(fx->store, &version, &err), SH_OK);
  return version;
}

/* ---- Tests ---- */

static void the_embedded_migrations_are_numbered_one_to_n_for_both_dialects(void **state) {
  (void)state;
  assert_true(store_migration_count >= 1);
  for (int i = 0; i < store_migration_count; i++) {
    assert_int_equal(store_migrations[i].version, i + 1);
    assert_non_null(store_migrations[i].name);
    assert_true(strlen(store_migrations[i].sqlite_sql) > 0);
    assert_true(strlen(store_migrations[i].pg_sql) > 0);
  }
}

static void migrate_applies_every_migration_once_then_none(void **state) {
  struct fixture *fx = *state;
  struct sh_error err;
  int applied = -1;
  assert_int_equal(schema_version(fx), 0);
  assert_int_equal(store_migrate(fx->store, &applied, &err), SH_OK);
  assert_int_equal(applied, store_migration_count);
  assert_int_equal(schema_version(fx), store_migration_count);
  assert_int_equal(store_check_schema(fx->store, &err), SH_OK);

  applied = -1;
  assert_int_equal(store_migrate(fx->store, &applied, &err), SH_OK);
  assert_int_equal(applied, 0);
  assert_int_equal(store_check_schema(fx->store, &err), SH_OK);

  /* One row per migration, named as embedded. */
  struct exec_arg a = {.sql = "SELECT version, name FROM schema_migrations ORDER BY version"};
  assert_int_equal(store_read(fx->store, exec_unit, &a, &err), SH_OK);
  assert_int_equal(store_rows_count(a.rows), (size_t)store_migration_count);
  for (int i = 0; i < store_migration_count; i++) {
    assert_int_equal(store_rows_int(a.rows, (size_t)i, 0), i + 1);
    assert_string_equal(store_rows_text(a.rows, (size_t)i, 1), store_migrations[i].name);
  }
  store_rows_free(a.rows);
}

static void migrate_creates_the_same_tables_and_reference_rows_on_both_dialects(void **state) {
  struct fixture *fx = *state;
  struct sh_error err;
  assert_int_equal(store_migrate(fx->store, NULL, &err), SH_OK);
  const char *tables[] = {"regions",
                          "users",
                          "user_regions",
                          "sessions",
                          "api_tokens",
                          "login_throttle",
                          "settings",
                          "dict_items",
                          "audit",
                          "customers",
                          "customer_contacts",
                          "customer_addresses",
                          "idempotency_keys",
                          "dealers",
                          "dealer_records",
                          "suppliers",
                          "supplier_audits",
                          "projects",
                          "equipment",
                          "calendar_years",
                          "calendar_days",
                          "ticket_counters",
                          "tickets",
                          "ticket_deadlines",
                          "ticket_events",
                          "ticket_appointments",
                          "ticket_delays",
                          "ticket_parts",
                          "spare_loans",
                          "attachments",
                          "receipts",
                          "outbox",
                          "job_leases",
                          "visits",
                          "visit_calls",
                          "visit_defects",
                          "visit_events",
                          "quick_phrases",
                          "surveys",
                          "survey_questions",
                          "survey_targets",
                          "survey_answers",
                          "complaint_categories",
                          "complaint_counters",
                          "complaints",
                          "complaint_assignments",
                          "complaint_events",
                          "visit_due_days",
                          "visit_done_days"};
  for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
    assert_true(read_int(fx, sql) >= 0);
  }
  /* 0002: 20 rows; 0003: 3 dealer record kinds, 3 audit results, 4 card issue methods,
   * 15 equipment categories; 0004: 5 ticket channels (SPEC C1: hotline, portal, email, IM,
   * dealer) and 7 outcomes (C7: repaired, substituted, returned, exchanged, rework, scrap,
   * and no fault); 0006: the 'visit' ticket channel, 6 call results, 2 visit methods, 8
   * complaint channels, 3 severities, 8 departments (28). 20 + 25 + 12 + 28 = 85. */
  assert_int_equal(read_int(fx, "SELECT count(*) FROM dict_items"), 85);
  /* SPEC E4: the rulebook's classes under 产品质量 and 服务, with 其他. */
  assert_int_equal(read_int(fx, "SELECT count(*) FROM complaint_categories"), 12);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM complaint_categories WHERE parent_code = "
                                "'product'"),
                   5);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM dict_items WHERE type = 'ticket_outcome'"),
                   7);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM dict_items WHERE type = "
                                "'equipment_category'"),
                   15);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM dict_items WHERE type = 'product_type'"), 8);
}

static void an_empty_database_fails_the_schema_check_as_outdated(void **state) {
  struct fixture *fx = *state;
  struct sh_error err;
  assert_int_equal(store_check_schema(fx->store, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "schema_outdated");
  assert_int_equal(schema_version(fx), 0);
  /* The check only reads: it did not create schema_migrations behind our back. */
  assert_int_equal(read_int(fx, fx->driver->dialect == STORE_SQLITE
                                    ? "SELECT count(*) FROM sqlite_master WHERE name = "
                                      "'schema_migrations'"
                                    : "SELECT count(*) FROM pg_tables WHERE tablename = "
                                      "'schema_migrations'"),
                   0);
}

static void a_database_newer_than_the_binary_is_refused_by_migrate_and_check(void **state) {
  struct fixture *fx = *state;
  struct sh_error err;
  assert_int_equal(store_migrate(fx->store, NULL, &err), SH_OK);
  struct store_param p[] = {SP_INT(store_migration_count + 1), SP_TEXT("from_the_future")};
  write_sql(fx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 0)", p,
            2);

  int applied = -7;
  assert_int_equal(store_migrate(fx->store, &applied, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "schema_newer_than_binary");
  assert_int_equal(applied, -7); /* outputs untouched on failure (STYLE.md 7) */
  char both[96];
  snprintf(both, sizeof both, "database schema %d, this binary knows up to %d",
           store_migration_count + 1, store_migration_count);
  assert_string_equal(err.detail, both);

  assert_int_equal(store_check_schema(fx->store, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "schema_newer_than_binary");
  assert_int_equal(schema_version(fx), store_migration_count + 1);
}

static void a_database_missing_migrations_fails_the_check_until_migrated(void **state) {
  struct fixture *fx = *state;
  struct sh_error err;
  assert_int_equal(store_write(fx->store, apply_by_hand, (void *)&store_migrations[0], &err),
                   SH_OK);
  assert_int_equal(schema_version(fx), 1);
  if (store_migration_count > 1) {
    assert_int_equal(store_check_schema(fx->store, &err), SH_ERR_UNAVAILABLE);
    assert_string_equal(err.code, "schema_outdated");
  }
  int applied = -1;
  assert_int_equal(store_migrate(fx->store, &applied, &err), SH_OK);
  assert_int_equal(applied, store_migration_count - 1);
  assert_int_equal(schema_version(fx), store_migration_count);
  assert_int_equal(store_check_schema(fx->store, &err), SH_OK);
}

static void a_failing_migration_leaves_neither_its_changes_nor_its_version(void **state) {
  struct fixture *fx = *state;
  struct sh_error err;
  if (store_migration_count < 2)
    skip();
  /* Version 1 applied; then a row that migration 2 (reference data) also inserts, so that
   * migration 2 fails halfway through its INSERT. */
  assert_int_equal(store_write(fx->store, apply_by_hand, (void *)&store_migrations[0], &err),
                   SH_OK);
  write_sql(fx,
            "INSERT INTO dict_items (type, value, label_zh, label_en) "
            "VALUES ('product_type', 'other', '其他', 'Other')",
            NULL, 0);
  int applied = -1;
  assert_int_not_equal(store_migrate(fx->store, &applied, &err), SH_OK);
  assert_int_equal(applied, -1);
  assert_int_equal(schema_version(fx), 1);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM dict_items"), 1);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM schema_migrations"), 1);

  /* Once the obstacle is gone the same binary finishes the job. */
  write_sql(fx, "DELETE FROM dict_items", NULL, 0);
  assert_int_equal(store_migrate(fx->store, &applied, &err), SH_OK);
  assert_int_equal(applied, store_migration_count - 1);
  assert_int_equal(store_check_schema(fx->store, &err), SH_OK);
}

#define ON_BOTH(f)                                                                                 \
  {#f " [sqlite]", f, fixture_setup, fixture_teardown, (void *)&sqlite_driver}, {                  \
#f " [postgres]", f, fixture_setup, fixture_teardown, (void *)&pg_driver                       \
  }

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_embedded_migrations_are_numbered_one_to_n_for_both_dialects),
      ON_BOTH(migrate_applies_every_migration_once_then_none),
      ON_BOTH(migrate_creates_the_same_tables_and_reference_rows_on_both_dialects),
      ON_BOTH(an_empty_database_fails_the_schema_check_as_outdated),
      ON_BOTH(a_database_newer_than_the_binary_is_refused_by_migrate_and_check),
      ON_BOTH(a_database_missing_migrations_fails_the_check_until_migrated),
      ON_BOTH(a_failing_migration_leaves_neither_its_changes_nor_its_version),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
