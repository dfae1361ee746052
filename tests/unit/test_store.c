/* test_store.c — src/store/: the store interface (store.c), both drivers (sqlite.c with its
 * writer thread and group commit, pg.c with its pool) and the entity files (users, customers,
 * settings, audit, reference, idempotency).
 *
 * Design: every test runs twice, on SQLite (a file in a fresh temp folder) and on PostgreSQL
 * (a fresh database CREATEd on $SHOUHOU_TEST_PG for the test and dropped WITH (FORCE) after
 * it), so the two drivers are held to one contract. Without SHOUHOU_TEST_PG the PostgreSQL
 * tests fail loudly: never skip half of a store test. Units run in other threads never call
 * cmocka's asserts (they longjmp); they record what happened and the test thread checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/base/buf.h"
#include "../../src/base/log.h"
#include "../../src/base/utf8.h"
#include "../../src/base/limits.h"
#include "../../src/rules/region.h"
#include "../../src/store/audit.h"
#include "../../src/store/customers.h"
#include "../../src/store/idempotency.h"
#include "../../src/store/migrate.h"
#include "../../src/store/reference.h"
#include "../../src/store/settings.h"
#include "../../src/store/store.h"
#include "../../src/store/users.h"

#define NOW 1764000000 /* 2025-11-24, UTC seconds */

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

/* Reopens the fixture's store with other options (the database stays). */
static void fixture_reopen(struct fixture *fx, const struct store_options *options) {
  struct sh_error err = {0};
  store_close(fx->store);
  fx->store = NULL;
  if (store_open(fx->url, options, &fx->store, &err) != SH_OK)
    fail_msg("store_open %s: %s %s", fx->url, err.code, err.detail);
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
    snprintf(fx->dir, sizeof fx->dir, "/tmp/shouhou-store-XXXXXX");
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
    snprintf(fx->dbname, sizeof fx->dbname, "t_%ld_s%d", (long)getpid(), ++counter);
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

/* The regions the entity tests use (GB/T 2260). */
static const struct region_row test_regions[] = {
    {"330000", "浙江省", "", 1, true},       {"330100", "杭州市", "330000", 2, true},
    {"330106", "西湖区", "330100", 3, true}, {"320000", "江苏省", "", 1, true},
    {"320100", "南京市", "320000", 2, true}, {"320102", "玄武区", "320100", 3, true},
};

static enum sh_status put_regions(struct store_tx *tx, void *arg, struct sh_error *err) {
  (void)arg;
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < sizeof test_regions / sizeof *test_regions; i++)
    rc = store_region_put(tx, &test_regions[i], err);
  return rc;
}

/* A migrated database with the test regions. */
static int migrated_setup(void **state) {
  if (fixture_setup(state) != 0)
    return -1;
  struct fixture *fx = *state;
  struct sh_error err = {0};
  if (store_migrate(fx->store, NULL, &err) != SH_OK ||
      store_write(fx->store, put_regions, NULL, &err) != SH_OK) {
    print_error("migrate %s: %s %s\n", fx->url, err.code, err.detail);
    fixture_teardown(state);
    return -1;
  }
  return 0;
}

/* ---- Units that run one statement or script ---- */

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

/* Runs sql in its own write or read unit. *rows (may be NULL) receives the rows. */
static enum sh_status run_sql(struct fixture *fx, bool write, const char *sql,
                              const struct store_param *p, int n, struct store_rows **rows,
                              struct sh_error *err) {
  struct exec_arg a = {.sql = sql, .params = p, .nparams = n};
  enum sh_status rc = write ? store_write(fx->store, exec_unit, &a, err)
                            : store_read(fx->store, exec_unit, &a, err);
  if (rows)
    *rows = a.rows;
  else
    store_rows_free(a.rows);
  return rc;
}

static void write_ok(struct fixture *fx, const char *sql, const struct store_param *p, int n) {
  struct sh_error err = {0};
  enum sh_status rc = run_sql(fx, true, sql, p, n, NULL, &err);
  if (rc != SH_OK)
    fail_msg("%s: %s %s", sql, err.code, err.detail);
}

static struct store_rows *read_ok(struct fixture *fx, const char *sql, const struct store_param *p,
                                  int n) {
  struct sh_error err = {0};
  struct store_rows *rows = NULL;
  enum sh_status rc = run_sql(fx, false, sql, p, n, &rows, &err);
  if (rc != SH_OK)
    fail_msg("%s: %s %s", sql, err.code, err.detail);
  return rows;
}

static int64_t read_int(struct fixture *fx, const char *sql, const struct store_param *p, int n) {
  struct store_rows *rows = read_ok(fx, sql, p, n);
  int64_t v = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return v;
}

/* Creates t (id, v unique, n, s) in a write unit through store_exec_script. */
static enum sh_status create_t_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  (void)arg;
  return store_exec_script(tx,
                           store_tx_dialect(tx) == STORE_SQLITE
                               ? "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE, "
                                 "n BIGINT, s TEXT, b BLOB)"
                               : "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL "
                                 "UNIQUE, n BIGINT, s TEXT, b BYTEA)",
                           err);
}

static void create_t(struct fixture *fx) {
  struct sh_error err = {0};
  assert_int_equal(store_write(fx->store, create_t_unit, NULL, &err), SH_OK);
}

static int64_t count_t(struct fixture *fx) {
  return read_int(fx, "SELECT count(*) FROM t", NULL, 0);
}

static int64_t count_v(struct fixture *fx, const char *v) {
  struct store_param p[] = {SP_TEXT(v)};
  return read_int(fx, "SELECT count(*) FROM t WHERE v = $1", p, 1);
}

/* ---- 1. SQLite connection settings ---- */

static void check_pragma(struct fixture *fx, bool write, const char *pragma, const char *expect) {
  struct store_rows *rows = NULL;
  struct sh_error err = {0};
  assert_int_equal(run_sql(fx, write, pragma, NULL, 0, &rows, &err), SH_OK);
  assert_int_equal(store_rows_count(rows), 1);
  assert_string_equal(store_rows_text(rows, 0, 0), expect);
  store_rows_free(rows);
}

static void sqlite_connections_use_wal_synchronous_full_and_foreign_keys(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "Known pitfalls" — WAL + synchronous=NORMAL loses acknowledged
   * commits on power loss; FULL keeps them. Both the writer and the read connections. */
  for (int write = 0; write <= 1; write++) {
    check_pragma(fx, write, "PRAGMA journal_mode", "wal");
    check_pragma(fx, write, "PRAGMA synchronous", "2"); /* 2 = FULL */
    check_pragma(fx, write, "PRAGMA foreign_keys", "1");
    /* EVIDENCE: sqlite.c — read connections are query_only, the writer is not. */
    check_pragma(fx, write, "PRAGMA query_only", write ? "0" : "1");
  }
}

/* ---- 2. Units succeed or fail alone ---- */

#define WRITERS 16

struct gate {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool first_running;  /* unit 0 holds the writer (or a connection) */
  int waiting;         /* threads 1.. about to call store_write */
  bool others_started; /* every other thread is about to queue its unit */
};

struct writer {
  struct fixture *fx;
  struct gate *gate;
  store_unit_fn fn; /* the unit's own work */
  int index;
  enum sh_status rc;
  struct sh_error err;
  bool batched; /* saw, in its transaction, a row of an earlier unit not yet committed */
};

/* Unit 0 holds the writer until every other thread is about to queue its unit, and then a
 * little longer, so that units 1..n-1 queue up behind it and (on SQLite, with group commit)
 * run as one batch. */
static enum sh_status gated_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct writer *w = arg;
  if (w->index == 0) {
    pthread_mutex_lock(&w->gate->lock);
    w->gate->first_running = true;
    pthread_cond_broadcast(&w->gate->cond);
    while (!w->gate->others_started)
      pthread_cond_wait(&w->gate->cond, &w->gate->lock);
    pthread_mutex_unlock(&w->gate->lock);
    nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL);
  }
  return w->fn(tx, w, err);
}

static void *writer_main(void *arg) {
  struct writer *w = arg;
  if (w->index > 0) {
    pthread_mutex_lock(&w->gate->lock);
    w->gate->waiting++;
    pthread_cond_broadcast(&w->gate->cond);
    pthread_mutex_unlock(&w->gate->lock);
  }
  w->rc = store_write(w->fx->store, gated_unit, w, &w->err);
  return NULL;
}

/* Runs fn as n concurrent units (n <= WRITERS), unit 0 first and 1..n-1 queued behind it. */
static void run_writers(struct fixture *fx, store_unit_fn fn, struct writer *writers, int n) {
  struct gate gate = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
  pthread_t threads[WRITERS];
  for (int i = 0; i < n; i++)
    writers[i] = (struct writer){.fx = fx, .gate = &gate, .fn = fn, .index = i};
  assert_int_equal(pthread_create(&threads[0], NULL, writer_main, &writers[0]), 0);
  pthread_mutex_lock(&gate.lock);
  while (!gate.first_running)
    pthread_cond_wait(&gate.cond, &gate.lock);
  pthread_mutex_unlock(&gate.lock);
  for (int i = 1; i < n; i++)
    assert_int_equal(pthread_create(&threads[i], NULL, writer_main, &writers[i]), 0);
  pthread_mutex_lock(&gate.lock);
  while (gate.waiting < n - 1)
    pthread_cond_wait(&gate.cond, &gate.lock);
  gate.others_started = true;
  pthread_cond_broadcast(&gate.cond);
  pthread_mutex_unlock(&gate.lock);
  for (int i = 0; i < n; i++)
    pthread_join(threads[i], NULL);
}

static bool fails_on_purpose(int i) {
  return i % 6 == 0;
}

static bool violates_unique(int i) {
  return i % 6 == 3;
}

static enum sh_status insert_row_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct writer *w = arg;
  char v[32];
  snprintf(v, sizeof v, "row-%02d", w->index);
  struct store_param p[] = {SP_TEXT(v), SP_INT(w->index)};
  return store_exec(tx, "INSERT INTO t (v, n) VALUES ($1, $2)", p, 2, NULL, err);
}

static enum sh_status concurrent_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct writer *w = arg;
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, "SELECT count(*) FROM t", NULL, 0, &rows, err);
  if (rc != SH_OK)
    return rc;
  int64_t in_transaction = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  if (store_tx_dialect(tx) == STORE_SQLITE) {
    /* What is committed, seen from a read connection (SQLite only: on PostgreSQL sixteen
     * units each holding a pooled connection would wait for a seventeenth). */
    struct exec_arg a = {.sql = "SELECT count(*) FROM t"};
    struct sh_error read_err;
    if (store_read(w->fx->store, exec_unit, &a, &read_err) == SH_OK)
      w->batched = in_transaction > store_rows_int(a.rows, 0, 0);
    store_rows_free(a.rows);
  }
  if (violates_unique(w->index)) {
    struct store_param p[] = {SP_TEXT("taken"), SP_INT(w->index)};
    return store_exec(tx, "INSERT INTO t (v, n) VALUES ($1, $2)", p, 2, NULL, err);
  }
  rc = insert_row_unit(tx, w, err);
  if (rc != SH_OK)
    return rc;
  if (fails_on_purpose(w->index)) {
    char detail[32];
    snprintf(detail, sizeof detail, "unit %d", w->index);
    return sh_fail(err, SH_ERR_INVALID, "refused_on_purpose", NULL, detail);
  }
  return SH_OK;
}

/* Runs WRITERS concurrent units, every third failing; checks each outcome and the rows.
 * Returns how many units saw an uncommitted row of an earlier unit in their transaction. */
static int run_concurrent_units(struct fixture *fx) {
  struct writer writers[WRITERS];
  create_t(fx);
  struct store_param taken[] = {SP_TEXT("taken"), SP_INT(-1)};
  write_ok(fx, "INSERT INTO t (v, n) VALUES ($1, $2)", taken, 2);
  run_writers(fx, concurrent_unit, writers, WRITERS);

  int batched = 0;
  for (int i = 0; i < WRITERS; i++) {
    struct writer *w = &writers[i];
    batched += w->batched;
    if (fails_on_purpose(i)) {
      char detail[32];
      snprintf(detail, sizeof detail, "unit %d", i);
      assert_int_equal(w->rc, SH_ERR_INVALID);
      assert_string_equal(w->err.code, "refused_on_purpose");
      assert_string_equal(w->err.detail, detail); /* its own error, not a neighbour's */
    } else if (violates_unique(i)) {
      assert_int_equal(w->rc, SH_ERR_CONFLICT);
      assert_string_equal(w->err.code, "duplicate");
    } else {
      if (w->rc != SH_OK)
        fail_msg("unit %d failed: %s %s", i, w->err.code, w->err.detail);
      assert_string_equal(w->err.code, "");
    }
  }
  /* Exactly the successful units' rows, plus the row that was there before. */
  struct store_rows *rows = read_ok(fx, "SELECT v, n FROM t ORDER BY n", NULL, 0);
  size_t r = 0;
  assert_string_equal(store_rows_text(rows, r++, 0), "taken");
  for (int i = 0; i < WRITERS; i++) {
    if (fails_on_purpose(i) || violates_unique(i))
      continue;
    char v[32];
    snprintf(v, sizeof v, "row-%02d", i);
    assert_true(r < store_rows_count(rows));
    assert_string_equal(store_rows_text(rows, r, 0), v);
    assert_int_equal(store_rows_int(rows, r, 1), i);
    r++;
  }
  assert_int_equal(store_rows_count(rows), r);
  store_rows_free(rows);
  return batched;
}

static void concurrent_units_succeed_or_fail_alone(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "Writes" — each unit runs inside its own SAVEPOINT; a unit that
   * fails rolls back to its savepoint alone and gets its own error; one COMMIT serves the
   * batch. On PostgreSQL each unit is its own transaction on a pooled connection. */
  int batched = run_concurrent_units(fx);
  if (fx->driver->dialect == STORE_SQLITE)
    assert_true(batched > 0); /* the units really shared a transaction */
}

static void units_succeed_or_fail_alone_without_group_commit(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "Writes"; store.h struct store_options.group_commit = false. */
  fixture_reopen(fx, &(struct store_options){.group_commit = false, .read_pool_size = 4});
  int batched = run_concurrent_units(fx);
  assert_int_equal(batched, 0); /* every unit committed on its own */
}

/* Unit 2 ends the whole SQLite transaction (INSERT OR ROLLBACK on a duplicate). */
static enum sh_status rollback_everything_unit(struct store_tx *tx, void *arg,
                                               struct sh_error *err) {
  struct writer *w = arg;
  if (w->index != 2)
    return insert_row_unit(tx, w, err);
  struct store_param p[] = {SP_TEXT("taken")};
  return store_exec(tx, "INSERT OR ROLLBACK INTO t (v) VALUES ($1)", p, 1, NULL, err);
}

static void a_unit_that_ends_the_transaction_fails_its_whole_batch(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "Writes" — after a failed unit the writer checks that the
   * transaction is still open (sqlite3_get_autocommit); if not, every unit of the batch
   * fails with 503, and nothing is acknowledged before the commit returned. */
  struct writer writers[5];
  create_t(fx);
  struct store_param taken[] = {SP_TEXT("taken"), SP_INT(-1)};
  write_ok(fx, "INSERT INTO t (v, n) VALUES ($1, $2)", taken, 2);
  run_writers(fx, rollback_everything_unit, writers, 5);
  assert_int_equal(writers[0].rc, SH_OK); /* its own batch, before the others queued */
  for (int i = 1; i < 5; i++) {
    if (writers[i].rc != SH_ERR_UNAVAILABLE)
      fail_msg("unit %d: %s (%s), expected 503", i, sh_strerror(writers[i].rc),
               writers[i].err.code);
    assert_string_equal(writers[i].err.code, "transaction_aborted");
  }
  struct store_rows *rows = read_ok(fx, "SELECT v FROM t ORDER BY n", NULL, 0);
  assert_int_equal(store_rows_count(rows), 2);
  assert_string_equal(store_rows_text(rows, 0, 0), "taken");
  assert_string_equal(store_rows_text(rows, 1, 0), "row-00");
  store_rows_free(rows);
  /* The writer goes on with the next unit. */
  struct store_param p[] = {SP_TEXT("after")};
  write_ok(fx, "INSERT INTO t (v) VALUES ($1)", p, 1);
  assert_int_equal(count_t(fx), 3);
}

static enum sh_status create_deferred_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  (void)arg;
  return store_exec_script(
      tx,
      store_tx_dialect(tx) == STORE_SQLITE
          ? "CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (id INTEGER "
            "PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"
          : "CREATE TABLE parent (id BIGINT PRIMARY KEY); CREATE TABLE child (id BIGINT "
            "PRIMARY KEY, parent_id BIGINT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)",
      err);
}

/* Unit 2 breaks a deferred foreign key: only COMMIT notices. */
static enum sh_status deferred_violation_unit(struct store_tx *tx, void *arg,
                                              struct sh_error *err) {
  struct writer *w = arg;
  if (w->index != 2)
    return insert_row_unit(tx, w, err);
  return store_exec(tx, "INSERT INTO child (id, parent_id) VALUES (1, 999)", NULL, 0, NULL, err);
}

static void a_failed_commit_fails_every_unit_it_would_have_acknowledged(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  /* EVIDENCE: DESIGN.md "Writes" — a failed COMMIT fails every unit of the batch (503);
   * nothing is acknowledged before the commit returned. On PostgreSQL the batch is the
   * one unit. */
  struct writer writers[5];
  create_t(fx);
  assert_int_equal(store_write(fx->store, create_deferred_unit, NULL, &err), SH_OK);
  run_writers(fx, deferred_violation_unit, writers, 5);
  assert_int_equal(writers[0].rc, SH_OK);
  for (int i = 1; i < 5; i++) {
    bool whole_batch = fx->driver->dialect == STORE_SQLITE;
    if (i == 2 || whole_batch) {
      if (writers[i].rc != SH_ERR_UNAVAILABLE)
        fail_msg("unit %d: %s (%s), expected 503", i, sh_strerror(writers[i].rc),
                 writers[i].err.code);
      assert_string_equal(writers[i].err.code, "commit_failed");
    } else {
      assert_int_equal(writers[i].rc, SH_OK);
    }
  }
  assert_int_equal(read_int(fx, "SELECT count(*) FROM child", NULL, 0), 0);
  /* A row exists exactly for each acknowledged unit. */
  for (int i = 0; i < 5; i++) {
    char v[32];
    snprintf(v, sizeof v, "row-%02d", i);
    if (i != 2)
      assert_int_equal(count_v(fx, v), writers[i].rc == SH_OK ? 1 : 0);
  }
  struct store_param p[] = {SP_TEXT("after")};
  write_ok(fx, "INSERT INTO t (v) VALUES ($1)", p, 1);
}

/* A unit that writes, then fails: none of its writes survive, and the next unit works. */
static enum sh_status insert_then_refuse(struct store_tx *tx, void *arg, struct sh_error *err) {
  (void)arg;
  struct store_param p[] = {SP_TEXT("refused")};
  enum sh_status rc = store_exec(tx, "INSERT INTO t (v) VALUES ($1)", p, 1, NULL, err);
  if (rc == SH_OK)
    rc = store_exec(tx, "UPDATE t SET s = 'touched'", NULL, 0, NULL, err);
  return rc == SH_OK ? sh_fail(err, SH_ERR_INVALID, "refused_on_purpose", NULL, NULL) : rc;
}

static void a_failed_unit_leaves_no_write_behind(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  create_t(fx);
  struct store_param p[] = {SP_TEXT("kept")};
  write_ok(fx, "INSERT INTO t (v) VALUES ($1)", p, 1);
  assert_int_equal(store_write(fx->store, insert_then_refuse, NULL, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "refused_on_purpose");
  assert_int_equal(count_t(fx), 1);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM t WHERE s IS NULL", NULL, 0), 1);
  /* err may be NULL: the status alone still comes back. */
  assert_int_equal(store_write(fx->store, insert_then_refuse, NULL, NULL), SH_ERR_INVALID);
  assert_int_equal(count_t(fx), 1);
}

/* ---- 3. Read-your-writes ---- */

struct reader {
  struct fixture *fx;
  char v[32];
  enum sh_status rc;
  int64_t found;
};

static void *reader_main(void *arg) {
  struct reader *r = arg;
  struct exec_arg a = {.sql = "SELECT count(*) FROM t WHERE v = $1",
                       .params = (struct store_param[]){SP_TEXT(r->v)},
                       .nparams = 1};
  struct sh_error err;
  r->rc = store_read(r->fx->store, exec_unit, &a, &err);
  r->found = store_rows_int(a.rows, 0, 0);
  store_rows_free(a.rows);
  return NULL;
}

static void an_acknowledged_write_is_seen_by_the_next_read_on_another_thread(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "Writes" — read-your-writes: once a unit is acknowledged, any later
   * read on any connection sees it. */
  create_t(fx);
  for (int i = 0; i < 40; i++) {
    struct reader r = {.fx = fx};
    snprintf(r.v, sizeof r.v, "ryw-%d", i);
    struct store_param p[] = {SP_TEXT(r.v)};
    write_ok(fx, "INSERT INTO t (v) VALUES ($1)", p, 1);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, reader_main, &r), 0);
    pthread_join(thread, NULL);
    assert_int_equal(r.rc, SH_OK);
    assert_int_equal(r.found, 1);
  }
}

/* ---- 4. Placeholders ---- */

static void placeholders_may_repeat_and_come_out_of_order(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "Known pitfalls" — SQLite numbers $N by first appearance; the driver
   * rewrites to ?N so $2 is always the second parameter. */
  struct store_param ab[] = {SP_TEXT("a"), SP_TEXT("b")};
  struct store_rows *rows = read_ok(fx, "SELECT $2, $1, $2", ab, 2);
  assert_int_equal(store_rows_count(rows), 1);
  assert_string_equal(store_rows_text(rows, 0, 0), "b");
  assert_string_equal(store_rows_text(rows, 0, 1), "a");
  assert_string_equal(store_rows_text(rows, 0, 2), "b");
  store_rows_free(rows);

  /* Two-digit numbers are not read as $1 followed by a digit. */
  struct store_param twelve[12];
  char values[12][8];
  for (int i = 0; i < 12; i++) {
    snprintf(values[i], sizeof values[i], "p%d", i + 1);
    twelve[i] = SP_TEXT(values[i]);
  }
  rows = read_ok(fx, "SELECT $12, $1, $10, $2, $11", twelve, 12);
  assert_string_equal(store_rows_text(rows, 0, 0), "p12");
  assert_string_equal(store_rows_text(rows, 0, 1), "p1");
  assert_string_equal(store_rows_text(rows, 0, 2), "p10");
  assert_string_equal(store_rows_text(rows, 0, 3), "p2");
  assert_string_equal(store_rows_text(rows, 0, 4), "p11");
  store_rows_free(rows);

  /* A $1 inside a string literal is text, not a placeholder. */
  struct store_param x[] = {SP_TEXT("x")};
  rows = read_ok(fx, "SELECT '$1 it''s', $1", x, 1);
  assert_string_equal(store_rows_text(rows, 0, 0), "$1 it's");
  assert_string_equal(store_rows_text(rows, 0, 1), "x");
  store_rows_free(rows);

  /* In a write, repeated and reordered. */
  create_t(fx);
  struct store_param row[] = {SP_INT(7), SP_TEXT("seven")};
  write_ok(fx, "INSERT INTO t (n, v, s) VALUES ($1, $2, $2)", row, 2);
  rows = read_ok(fx, "SELECT n, v, s FROM t WHERE v = $2 AND n = $1", row, 2);
  assert_int_equal(store_rows_count(rows), 1);
  assert_int_equal(store_rows_int(rows, 0, 0), 7);
  assert_string_equal(store_rows_text(rows, 0, 2), "seven");
  store_rows_free(rows);
}

/* The two cells of a one-row read as "first|second" ("NULL" for a null), rows freed. */
static void read_pair(struct fixture *fx, const char *sql, const struct store_param *p, int n,
                      char *out, size_t size) {
  struct store_rows *rows = read_ok(fx, sql, p, n);
  const char *first = store_rows_text(rows, 0, 0), *second = store_rows_text(rows, 0, 1);
  snprintf(out, size, "%s|%s", first ? first : "NULL", second ? second : "NULL");
  store_rows_free(rows);
}

static void placeholders_after_a_comment_with_an_apostrophe_keep_their_numbers(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: sqlite.c rewrite_placeholders — "$1..$N → ?1..?N outside quotes and comments":
   * an apostrophe inside a comment does not open a string. */
  struct store_param ab[] = {SP_TEXT("a"), SP_TEXT("b")};
  char got[64];
  read_pair(fx, "SELECT $2 /* the user's choice */, $1", ab, 2, got, sizeof got);
  assert_string_equal(got, "b|a");
  read_pair(fx, "SELECT $2, -- the user's choice\n $1", ab, 2, got, sizeof got);
  assert_string_equal(got, "b|a");
}

static void parameters_are_bound_never_interpolated(void **state) {
  struct fixture *fx = *state;
  const char *hostile[] = {
      "'; DROP TABLE t; --", "Robert'); DROP TABLE t;--", "\" OR 1=1 --", "$1", "?1 ?2 :name @name",
      "%_!\\ LIKE",          "x' UNION SELECT 'y",
  };
  size_t n = sizeof hostile / sizeof *hostile;
  create_t(fx);
  for (size_t i = 0; i < n; i++) {
    struct store_param p[] = {SP_TEXT(hostile[i]), SP_INT(i)};
    write_ok(fx, "INSERT INTO t (v, n) VALUES ($1, $2)", p, 2);
  }
  /* The table survived and holds every value verbatim. */
  struct store_rows *rows = read_ok(fx, "SELECT v FROM t ORDER BY n", NULL, 0);
  assert_int_equal(store_rows_count(rows), n);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(store_rows_text(rows, i, 0), hostile[i]);
  store_rows_free(rows);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(count_v(fx, hostile[i]), 1);
  /* As a read parameter too: a quote in a value matches nothing extra. */
  struct store_param q[] = {SP_TEXT("' OR '1'='1")};
  assert_int_equal(read_int(fx, "SELECT count(*) FROM t WHERE v = $1", q, 1), 0);
}

static void null_text_binds_sql_null_and_empty_text_does_not(void **state) {
  struct fixture *fx = *state;
  struct store_param p[] = {SP_TEXT(NULL), SP_TEXT(""), SP_NULL()};
  struct store_rows *rows = read_ok(fx,
                                    "SELECT CASE WHEN $1 IS NULL THEN 1 ELSE 0 END, "
                                    "CASE WHEN $2 IS NULL THEN 1 ELSE 0 END, $1, $2",
                                    p, 2);
  assert_int_equal(store_rows_int(rows, 0, 0), 1);
  assert_int_equal(store_rows_int(rows, 0, 1), 0);
  assert_true(store_rows_null(rows, 0, 2));
  assert_null(store_rows_text(rows, 0, 2));
  assert_false(store_rows_null(rows, 0, 3));
  assert_string_equal(store_rows_text(rows, 0, 3), "");
  store_rows_free(rows);

  create_t(fx);
  struct store_param a[] = {SP_TEXT("a"), SP_TEXT(NULL)};
  write_ok(fx, "INSERT INTO t (v, s) VALUES ($1, $2)", a, 2);
  struct store_param b[] = {SP_TEXT("b"), SP_NULL()};
  write_ok(fx, "INSERT INTO t (v, n) VALUES ($1, $2)", b, 2);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM t WHERE s IS NULL AND n IS NULL", NULL, 0),
                   2);
  /* A NULL where NOT NULL is required is a constraint, not a silent empty string. */
  struct sh_error err = {0};
  struct store_param c[] = {SP_TEXT(NULL)};
  assert_int_equal(run_sql(fx, true, "INSERT INTO t (v) VALUES ($1)", c, 1, NULL, &err),
                   SH_ERR_CONFLICT);
  assert_string_equal(err.code, "constraint");
}

static void integers_up_to_2_pow_53_round_trip_exactly(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "API conventions" — IDs are integers below 2^53. */
  const int64_t values[] = {
      0,
      1,
      -1,
      (INT64_C(1) << 53) - 1,
      INT64_C(1) << 53,
      -(INT64_C(1) << 53),
      (INT64_C(1) << 53) + 1,
      INT64_MAX,
      INT64_MIN,
  };
  size_t n = sizeof values / sizeof *values;
  create_t(fx);
  for (size_t i = 0; i < n; i++) {
    char v[32];
    snprintf(v, sizeof v, "int-%zu", i);
    struct store_param p[] = {SP_TEXT(v), SP_INT(values[i])};
    write_ok(fx, "INSERT INTO t (v, n) VALUES ($1, $2)", p, 2);
    struct store_param q[] = {SP_TEXT(v)};
    assert_true(read_int(fx, "SELECT n FROM t WHERE v = $1", q, 1) == values[i]);
    struct store_param r[] = {SP_INT(values[i])};
    assert_true(read_int(fx, "SELECT $1", r, 1) == values[i]);
    assert_int_equal(read_int(fx, "SELECT count(*) FROM t WHERE n = $1", r, 1), 1);
  }
  /* An explicit id at 2^53 as a primary key. */
  struct store_param big[] = {SP_INT((INT64_C(1) << 53) - 1), SP_TEXT("max-safe-id")};
  write_ok(fx, "INSERT INTO t (id, v) VALUES ($1, $2)", big, 2);
  struct store_param q[] = {SP_TEXT("max-safe-id")};
  assert_true(read_int(fx, "SELECT id FROM t WHERE v = $1", q, 1) == (INT64_C(1) << 53) - 1);
}

static void chinese_text_round_trips_byte_for_byte(void **state) {
  struct fixture *fx = *state;
  const struct {
    const char *text;
    int64_t characters;
  } cases[] = {
      {"售后服务", 4},
      {"浙江省杭州市西湖区文三路１２３号（华星时代广场）", 24},
      {"𠀀𪚥 🚀 é ü Ω", 10},
      {"  leading and trailing  ", 24},
      {"tab\there\nnew line", 17},
      {"", 0},
  };
  create_t(fx);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char v[32];
    snprintf(v, sizeof v, "text-%zu", i);
    struct store_param p[] = {SP_TEXT(v), SP_TEXT(cases[i].text)};
    write_ok(fx, "INSERT INTO t (v, s) VALUES ($1, $2)", p, 2);
    struct store_param q[] = {SP_TEXT(v)};
    struct store_rows *rows = read_ok(fx, "SELECT s, length(s) FROM t WHERE v = $1", q, 1);
    const char *back = store_rows_text(rows, 0, 0);
    assert_non_null(back);
    assert_int_equal(strlen(back), strlen(cases[i].text));
    assert_memory_equal(back, cases[i].text, strlen(cases[i].text));
    /* Stored as text: length() counts characters, not bytes. */
    assert_int_equal(store_rows_int(rows, 0, 1), cases[i].characters);
    store_rows_free(rows);
    /* And matches itself as a bound parameter. */
    struct store_param m[] = {SP_TEXT(cases[i].text)};
    assert_int_equal(read_int(fx, "SELECT count(*) FROM t WHERE s = $1", m, 1), 1);
  }
}

static void blob_parameters_bind_every_byte_including_nul(void **state) {
  struct fixture *fx = *state;
  /* DESIGN.md "Data conventions": attachments live in the database (BLOB / bytea). */
  static const char bytes[] = {'\0', '\xff', 'a', '\0', '\xe5', '\x94', '\x00', '\x80'};
  struct store_param blob = {.type = STORE_P_BLOB, .s = bytes, .len = sizeof bytes};
  create_t(fx);
  struct store_param p[] = {SP_TEXT("blob"), blob};
  write_ok(fx, "INSERT INTO t (v, b) VALUES ($1, $2)", p, 2);
  struct store_param q[] = {blob};
  assert_int_equal(read_int(fx, "SELECT length(b) FROM t WHERE b = $1", q, 1), sizeof bytes);
  /* One byte less is another value. */
  struct store_param shorter[] = {{.type = STORE_P_BLOB, .s = bytes, .len = sizeof bytes - 1}};
  assert_int_equal(read_int(fx, "SELECT count(*) FROM t WHERE b = $1", shorter, 1), 0);
}

/* ---- 5. Error mapping ---- */

static void a_unique_violation_is_a_duplicate_conflict(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  create_t(fx);
  struct store_param p[] = {SP_TEXT("once"), SP_INT(1)};
  write_ok(fx, "INSERT INTO t (id, v) VALUES ($2, $1)", p, 2);
  assert_int_equal(run_sql(fx, true, "INSERT INTO t (v) VALUES ($1)", p, 1, NULL, &err),
                   SH_ERR_CONFLICT);
  assert_string_equal(err.code, "duplicate");
  /* A primary key is unique too. */
  struct store_param q[] = {SP_TEXT("twice"), SP_INT(1)};
  assert_int_equal(run_sql(fx, true, "INSERT INTO t (id, v) VALUES ($2, $1)", q, 2, NULL, &err),
                   SH_ERR_CONFLICT);
  assert_string_equal(err.code, "duplicate");
  assert_int_equal(count_t(fx), 1);
}

static void a_foreign_key_violation_is_a_constraint_conflict(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  /* A customer in a region that is not in regions. */
  struct store_param p[] = {SP_TEXT("无地区客户"), SP_TEXT("990000"), SP_INT(NOW)};
  assert_int_equal(run_sql(fx, true,
                           "INSERT INTO customers (name, kind, region_code, created_at, "
                           "updated_at) VALUES ($1, 'company', $2, $3, $3)",
                           p, 3, NULL, &err),
                   SH_ERR_CONFLICT);
  assert_string_equal(err.code, "constraint");
  assert_int_equal(read_int(fx, "SELECT count(*) FROM customers", NULL, 0), 0);
}

struct failing_arg {
  int64_t backend;           /* PostgreSQL: the server process that ran the unit */
  const char *bad_statement; /* NULL: the unit succeeds */
  const char *v;
};

static enum sh_status write_then_maybe_fail(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct failing_arg *a = arg;
  struct store_rows *rows = NULL;
  enum sh_status rc = SH_OK;
  if (store_tx_dialect(tx) == STORE_POSTGRES) {
    rc = store_exec(tx, "SELECT pg_backend_pid()", NULL, 0, &rows, err);
    a->backend = store_rows_int(rows, 0, 0);
    store_rows_free(rows);
  }
  struct store_param p[] = {SP_TEXT(a->v)};
  if (rc == SH_OK)
    rc = store_exec(tx, "INSERT INTO t (v) VALUES ($1)", p, 1, NULL, err);
  if (rc == SH_OK && a->bad_statement)
    rc = store_exec(tx, a->bad_statement, NULL, 0, NULL, err);
  return rc;
}

static void a_syntax_error_is_unavailable_and_the_store_keeps_working(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  /* One pooled connection, so on PostgreSQL the next unit must reuse the failed one. */
  fixture_reopen(fx, &(struct store_options){.group_commit = true, .read_pool_size = 1});
  create_t(fx);
  struct failing_arg bad = {.bad_statement = "SELEC v FROM t", .v = "before-the-error"};
  assert_int_equal(store_write(fx->store, write_then_maybe_fail, &bad, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "database_error");
  struct failing_arg good = {.v = "after-the-error"};
  assert_int_equal(store_write(fx->store, write_then_maybe_fail, &good, &err), SH_OK);
  /* The failed unit's insert was rolled back; the next one committed. */
  assert_int_equal(count_v(fx, "before-the-error"), 0);
  assert_int_equal(count_v(fx, "after-the-error"), 1);
  if (fx->driver->dialect == STORE_POSTGRES)
    assert_true(bad.backend == good.backend && bad.backend != 0);
  /* A read unit recovers as well. */
  assert_int_equal(run_sql(fx, false, "SELECT nonsense FROM", NULL, 0, NULL, &err),
                   SH_ERR_UNAVAILABLE);
  assert_int_equal(count_t(fx), 1);
}

/* ---- 6. Read units cannot write ---- */

static enum sh_status create_table_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  (void)arg;
  return store_exec_script(tx, "CREATE TABLE sneaky (x INTEGER)", err);
}

static void a_read_unit_cannot_write(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  create_t(fx);
  struct store_param p[] = {SP_TEXT("written-by-a-read")};
  /* EVIDENCE: sqlite.c — read connections are query_only (PostgreSQL: BEGIN READ ONLY). */
  assert_int_equal(run_sql(fx, false, "INSERT INTO t (v) VALUES ($1)", p, 1, NULL, &err),
                   SH_ERR_UNAVAILABLE);
  assert_int_equal(run_sql(fx, false, "DELETE FROM t", NULL, 0, NULL, &err), SH_ERR_UNAVAILABLE);
  assert_int_equal(store_read(fx->store, create_table_unit, NULL, &err), SH_ERR_UNAVAILABLE);
  assert_int_equal(count_t(fx), 0);
  /* The same statement in a write unit works. */
  write_ok(fx, "INSERT INTO t (v) VALUES ($1)", p, 1);
  assert_int_equal(count_t(fx), 1);
}

/* ---- 7. Entities: users ---- */

struct user_op {
  struct user_record *in;
  int64_t id;
  struct user_record *out;
  const char *code;
  bool covered;
};

/* The domain hands the store each grant's prefix beside its code (domain/user.c); the
 * store tests do the same, with the same rule. */
static void set_prefixes(struct user_record *u, char prefixes[][REGION_CODE_LEN + 1],
                         char **pointers) {
  for (size_t i = 0; i < u->nregions; i++) {
    region_prefix(u->regions[i], prefixes[i]);
    pointers[i] = prefixes[i];
  }
  u->prefixes = pointers;
}

static enum sh_status user_insert_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct user_op *op = arg;
  char prefixes[SH_MAX_REGION_GRANTS][REGION_CODE_LEN + 1], *pointers[SH_MAX_REGION_GRANTS];
  set_prefixes(op->in, prefixes, pointers);
  enum sh_status rc = store_user_insert(tx, op->in, NOW, &op->id, err);
  op->in->prefixes = NULL;
  return rc;
}

static enum sh_status user_get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct user_op *op = arg;
  return store_user_get(tx, op->id, &op->out, err);
}

static enum sh_status user_update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct user_op *op = arg;
  char prefixes[SH_MAX_REGION_GRANTS][REGION_CODE_LEN + 1], *pointers[SH_MAX_REGION_GRANTS];
  set_prefixes(op->in, prefixes, pointers);
  enum sh_status rc = store_user_update(tx, op->in, NOW + 60, err);
  op->in->prefixes = NULL;
  return rc;
}

static enum sh_status user_covers_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct user_op *op = arg;
  return store_user_covers_region(tx, op->id, op->code, &op->covered, err);
}

static int64_t add_user(struct fixture *fx, const char *username, char **grants, size_t ngrants) {
  struct user_record u = {.username = (char *)username,
                          .display_name = (char *)username,
                          .role = "dispatcher",
                          .active = true,
                          .regions = grants,
                          .nregions = ngrants};
  struct user_op op = {.in = &u};
  struct sh_error err = {0};
  if (store_write(fx->store, user_insert_unit, &op, &err) != SH_OK)
    fail_msg("user insert %s: %s", username, err.code);
  return op.id;
}

static struct user_record *get_user(struct fixture *fx, int64_t id) {
  struct user_op op = {.id = id};
  struct sh_error err = {0};
  assert_int_equal(store_read(fx->store, user_get_unit, &op, &err), SH_OK);
  return op.out;
}

static bool covers(struct fixture *fx, int64_t user, const char *code) {
  struct user_op op = {.id = user, .code = code};
  struct sh_error err = {0};
  assert_int_equal(store_read(fx->store, user_covers_unit, &op, &err), SH_OK);
  return op.covered;
}

static void users_insert_get_and_update_with_optimistic_versions(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  char *grants[] = {"330000", "320100"};
  struct user_record in = {.username = "zhang.wei",
                           .display_name = "张伟",
                           .role = "dispatcher",
                           .password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA",
                           .customer_id = 0,
                           .active = true,
                           .regions = grants,
                           .nregions = 2};
  struct user_op op = {.in = &in};
  assert_int_equal(store_write(fx->store, user_insert_unit, &op, &err), SH_OK);
  assert_true(op.id > 0);

  struct user_record *u = get_user(fx, op.id);
  assert_int_equal(u->id, op.id);
  assert_string_equal(u->username, "zhang.wei");
  assert_string_equal(u->display_name, "张伟");
  assert_string_equal(u->role, "dispatcher");
  assert_string_equal(u->password_hash, in.password_hash);
  assert_true(u->active);
  assert_int_equal(u->created_at, NOW);
  assert_int_equal(u->updated_at, NOW);
  assert_int_equal(u->version, 1);
  assert_int_equal(u->nregions, 2);
  assert_string_equal(u->regions[0], "320100"); /* ordered by code */
  assert_string_equal(u->regions[1], "330000");

  /* A current version updates and bumps the version. */
  char *new_grants[] = {"330106"};
  struct user_record next = *u;
  next.display_name = "张伟（组长）";
  next.password_hash = NULL;
  next.regions = new_grants;
  next.nregions = 1;
  struct user_op update = {.in = &next};
  assert_int_equal(store_write(fx->store, user_update_unit, &update, &err), SH_OK);
  struct user_record *after = get_user(fx, op.id);
  assert_int_equal(after->version, 2);
  assert_string_equal(after->display_name, "张伟（组长）");
  assert_null(after->password_hash);
  assert_int_equal(after->updated_at, NOW + 60);
  assert_int_equal(after->nregions, 1);
  assert_string_equal(after->regions[0], "330106");

  /* The same (now stale) version again: 409, and nothing changes. */
  next.display_name = "stale write";
  next.regions = grants;
  next.nregions = 2;
  assert_int_equal(store_write(fx->store, user_update_unit, &update, &err), SH_ERR_CONFLICT);
  assert_string_equal(err.code, "stale_version");
  struct user_record *unchanged = get_user(fx, op.id);
  assert_int_equal(unchanged->version, 2);
  assert_string_equal(unchanged->display_name, "张伟（组长）");
  assert_int_equal(unchanged->nregions, 1);

  /* Unknown id. */
  struct user_op missing = {.id = op.id + 1000};
  assert_int_equal(store_read(fx->store, user_get_unit, &missing, &err), SH_ERR_NOT_FOUND);
  assert_null(missing.out);
  /* A second user with the same name is a duplicate. */
  assert_int_equal(store_write(fx->store, user_insert_unit, &op, &err), SH_ERR_CONFLICT);
  assert_string_equal(err.code, "duplicate");

  user_record_free(u);
  user_record_free(after);
  user_record_free(unchanged);
}

static void user_grants_store_prefixes_and_cover_the_regions_below_them(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: SPEC L — each role sees only what its region allows; rules/region.h prefixes. */
  char *grants[] = {"330000", "320100", "320102"};
  int64_t id = add_user(fx, "grants", grants, 3);
  struct store_param p[] = {SP_INT(id)};
  struct store_rows *rows =
      read_ok(fx, "SELECT code, prefix FROM user_regions WHERE user_id = $1 ORDER BY code", p, 1);
  assert_int_equal(store_rows_count(rows), 3);
  assert_string_equal(store_rows_text(rows, 0, 0), "320100");
  assert_string_equal(store_rows_text(rows, 0, 1), "3201");
  assert_string_equal(store_rows_text(rows, 1, 0), "320102");
  assert_string_equal(store_rows_text(rows, 1, 1), "320102");
  assert_string_equal(store_rows_text(rows, 2, 0), "330000");
  assert_string_equal(store_rows_text(rows, 2, 1), "33");
  store_rows_free(rows);

  assert_true(covers(fx, id, "330106"));  /* district under the province */
  assert_true(covers(fx, id, "330000"));  /* the province itself */
  assert_true(covers(fx, id, "320102"));  /* district under the city */
  assert_false(covers(fx, id, "320000")); /* the province above a city grant */
  assert_false(covers(fx, id, "320201")); /* another city of the same province */
  assert_false(covers(fx, id, "310101"));

  char *country[] = {"000000"};
  int64_t boss = add_user(fx, "boss", country, 1);
  assert_true(covers(fx, boss, "320102"));
  assert_true(covers(fx, boss, "650000"));
  int64_t nobody = add_user(fx, "nobody", NULL, 0);
  assert_false(covers(fx, nobody, "330106"));
  struct user_record *u = get_user(fx, nobody);
  assert_int_equal(u->nregions, 0);
  user_record_free(u);
}

/* ---- 7. Entities: customers ---- */

struct customer_spec {
  const char *name;
  const char *region;
  const char *phone;
  const char *address;
  const char *contact;       /* NULL: no contact */
  const char *contact_phone; /* with the contact */
  const char *extra_address; /* NULL: no customer_addresses row */
  int64_t dealer_id;
};

struct customer_op {
  const struct customer *in;
  int64_t id, version, user_id;
  struct customer_scope scope;
  const struct customer_filter *filter;
  struct customer *out;
  struct customer **list;
  int64_t *ranks;
  size_t count;
  int64_t total;
  bool exists;
};

static enum sh_status customer_insert_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct customer_op *op = arg;
  return store_customer_insert(tx, op->in, NOW, op->user_id, &op->id, err);
}

static enum sh_status customer_get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct customer_op *op = arg;
  return store_customer_get(tx, op->id, &op->scope, &op->out, err);
}

static enum sh_status customer_update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct customer_op *op = arg;
  return store_customer_update(tx, op->in, NOW + 120, err);
}

static enum sh_status customer_delete_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct customer_op *op = arg;
  return store_customer_delete(tx, op->id, op->version, NOW + 180, err);
}

static enum sh_status customer_list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct customer_op *op = arg;
  return store_customer_list(tx, op->filter, &op->scope, &op->list, &op->ranks, &op->count,
                             &op->total, err);
}

static enum sh_status customer_exists_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct customer_op *op = arg;
  return store_customer_exists(tx, op->id, &op->exists, err);
}

static int64_t add_customer(struct fixture *fx, int64_t user, const struct customer_spec *s) {
  struct customer_contact contact = {.name = (char *)s->contact,
                                     .phone = (char *)s->contact_phone,
                                     .title = "经理",
                                     .is_primary = true};
  struct customer_address extra = {.label = "仓库",
                                   .region_code = (char *)s->region,
                                   .detail = (char *)s->extra_address,
                                   .is_default = false};
  struct customer c = {.name = (char *)s->name,
                       .kind = "company",
                       .region_code = (char *)s->region,
                       .address = (char *)s->address,
                       .phone = (char *)s->phone,
                       .responsible_person = "负责人",
                       .product_types = "[\"surveillance\"]",
                       .dealer_id = s->dealer_id,
                       .contacts = s->contact ? &contact : NULL,
                       .ncontacts = s->contact ? 1 : 0,
                       .addresses = s->extra_address ? &extra : NULL,
                       .naddresses = s->extra_address ? 1 : 0};
  struct customer_op op = {.in = &c, .user_id = user};
  struct sh_error err = {0};
  if (store_write(fx->store, customer_insert_unit, &op, &err) != SH_OK)
    fail_msg("customer insert %s: %s %s", s->name, err.code, err.detail);
  return op.id;
}

static enum sh_status get_customer(struct fixture *fx, int64_t id,
                                   const struct customer_scope *scope, struct customer **out) {
  struct customer_op op = {.id = id, .scope = *scope};
  struct sh_error err = {0};
  enum sh_status rc = store_read(fx->store, customer_get_unit, &op, &err);
  if (rc == SH_ERR_NOT_FOUND)
    assert_string_equal(err.code, "not_found");
  *out = op.out;
  return rc;
}

/* One page of ids (and ranks, names) for a filter. Caller frees with free_page. */
struct page {
  int64_t ids[64];
  int64_t ranks[64];
  int64_t created[64];
  char *names[64];
  size_t count;
  int64_t total;
};

static void free_page(struct page *p) {
  for (size_t i = 0; i < p->count; i++)
    free(p->names[i]);
  p->count = 0;
}

static void list_page(struct fixture *fx, const struct customer_filter *f,
                      const struct customer_scope *scope, struct page *page) {
  struct customer_op op = {.filter = f, .scope = *scope};
  struct sh_error err = {0};
  if (store_read(fx->store, customer_list_unit, &op, &err) != SH_OK)
    fail_msg("customer list: %s %s", err.code, err.detail);
  assert_true(op.count <= 64);
  page->count = op.count;
  page->total = op.total;
  for (size_t i = 0; i < op.count; i++) {
    page->ids[i] = op.list[i]->id;
    page->ranks[i] = op.ranks[i];
    page->created[i] = op.list[i]->created_at;
    page->names[i] = strdup(op.list[i]->name);
    customer_free(op.list[i]);
  }
  free(op.list);
  free(op.ranks);
}

/* The ids a search finds, in relevance order, with every match on one page. */
static size_t search_ids(struct fixture *fx, int64_t user, const char *raw_query, int64_t *ids,
                         int64_t *total) {
  struct buf folded;
  buf_init(&folded, 1024);
  assert_int_equal(utf8_fold(&folded, raw_query), SH_OK);
  struct customer_filter f = {
      .q = folded.data, .key_customer = -1, .sort = CUSTOMER_SORT_RELEVANCE, .limit = 64};
  struct page page = {0};
  list_page(fx, &f, &(struct customer_scope){.user_id = user}, &page);
  for (size_t i = 0; i < page.count; i++)
    ids[i] = page.ids[i];
  *total = page.total;
  size_t n = page.count;
  free_page(&page);
  buf_free(&folded);
  return n;
}

static void customer_get_respects_the_region_scope(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: SPEC L — each role sees only what its region allows; customers.h: outside the
   * scope is SH_ERR_NOT_FOUND (never reveal existence). */
  char *zhejiang[] = {"330000"}, *jiangsu[] = {"320000"}, *hangzhou[] = {"330100"};
  int64_t zj = add_user(fx, "zj", zhejiang, 1), js = add_user(fx, "js", jiangsu, 1);
  int64_t hz = add_user(fx, "hz", hangzhou, 1);
  int64_t id = add_customer(fx, zj,
                            &(struct customer_spec){.name = "西湖安防科技",
                                                    .region = "330106",
                                                    .phone = "0571-88881234",
                                                    .address = "文三路1号",
                                                    .contact = "李四",
                                                    .contact_phone = "13900000001",
                                                    .extra_address = "古墩路99号",
                                                    .dealer_id = 7});
  struct customer *c = NULL;
  assert_int_equal(get_customer(fx, id, &(struct customer_scope){.user_id = zj}, &c), SH_OK);
  assert_string_equal(c->name, "西湖安防科技");
  assert_string_equal(c->kind, "company");
  assert_string_equal(c->region_code, "330106");
  assert_string_equal(c->region_name, "浙江省 杭州市 西湖区");
  assert_string_equal(c->phone, "0571-88881234");
  assert_string_equal(c->address, "文三路1号");
  assert_string_equal(c->product_types, "[\"surveillance\"]");
  assert_int_equal(c->dealer_id, 7);
  assert_int_equal(c->created_by, zj);
  assert_int_equal(c->version, 1);
  assert_int_equal(c->deleted_at, 0);
  assert_int_equal(c->ncontacts, 1);
  assert_string_equal(c->contacts[0].name, "李四");
  assert_string_equal(c->contacts[0].phone, "13900000001");
  assert_true(c->contacts[0].is_primary);
  assert_int_equal(c->naddresses, 1);
  assert_string_equal(c->addresses[0].detail, "古墩路99号");
  customer_free(c);

  c = NULL;
  assert_int_equal(get_customer(fx, id, &(struct customer_scope){.user_id = hz}, &c), SH_OK);
  customer_free(c);
  c = NULL;
  assert_int_equal(get_customer(fx, id, &(struct customer_scope){.user_id = js}, &c),
                   SH_ERR_NOT_FOUND);
  assert_null(c);
  /* Dealer and customer limits apply on top of the regions. */
  assert_int_equal(
      get_customer(fx, id, &(struct customer_scope){.user_id = zj, .dealer_id = 7}, &c), SH_OK);
  customer_free(c);
  c = NULL;
  assert_int_equal(
      get_customer(fx, id, &(struct customer_scope){.user_id = zj, .dealer_id = 8}, &c),
      SH_ERR_NOT_FOUND);
  assert_int_equal(
      get_customer(fx, id, &(struct customer_scope){.user_id = zj, .dealer_id = -1}, &c),
      SH_ERR_NOT_FOUND);
  assert_int_equal(
      get_customer(fx, id, &(struct customer_scope){.user_id = zj, .customer_id = id}, &c), SH_OK);
  customer_free(c);
  c = NULL;
  assert_int_equal(
      get_customer(fx, id, &(struct customer_scope){.user_id = zj, .customer_id = -1}, &c),
      SH_ERR_NOT_FOUND);
  /* Lists apply the same scope. */
  struct customer_filter f = {.key_customer = -1, .sort = CUSTOMER_SORT_ID, .limit = 10};
  struct page page = {0};
  list_page(fx, &f, &(struct customer_scope){.user_id = js}, &page);
  assert_int_equal(page.count, 0);
  assert_int_equal(page.total, 0);
  list_page(fx, &f, &(struct customer_scope){.user_id = hz}, &page);
  assert_int_equal(page.count, 1);
  assert_int_equal(page.total, 1);
  free_page(&page);
}

static void a_customer_update_with_a_stale_version_changes_nothing(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  char *zhejiang[] = {"330000"};
  int64_t user = add_user(fx, "zj", zhejiang, 1);
  struct customer_scope scope = {.user_id = user};
  int64_t id = add_customer(fx, user,
                            &(struct customer_spec){.name = "华东机电有限公司",
                                                    .region = "330106",
                                                    .phone = "13800000001",
                                                    .address = "文三路1号",
                                                    .contact = "张三",
                                                    .contact_phone = "13700000001"});
  struct customer *c = NULL;
  assert_int_equal(get_customer(fx, id, &scope, &c), SH_OK);

  /* A current version: every field and the children are rewritten; search follows. */
  free(c->name);
  c->name = strdup("华东精密机电");
  customer_contact_clear(&c->contacts[0]);
  c->contacts[0] =
      (struct customer_contact){.name = strdup("王五"), .phone = strdup("13600000002")};
  struct customer_op op = {.in = c};
  assert_int_equal(store_write(fx->store, customer_update_unit, &op, &err), SH_OK);
  struct customer *after = NULL;
  assert_int_equal(get_customer(fx, id, &scope, &after), SH_OK);
  assert_string_equal(after->name, "华东精密机电");
  assert_int_equal(after->version, 2);
  assert_int_equal(after->updated_at, NOW + 120);
  assert_int_equal(after->ncontacts, 1);
  assert_string_equal(after->contacts[0].name, "王五");
  int64_t ids[8], total;
  assert_int_equal(search_ids(fx, user, "精密机电", ids, &total), 1);
  assert_int_equal(search_ids(fx, user, "王五", ids, &total), 1);
  assert_int_equal(search_ids(fx, user, "张三", ids, &total), 0);
  assert_int_equal(search_ids(fx, user, "机电有限公司", ids, &total), 0);

  /* The version read before that update is now stale. */
  free(c->name);
  c->name = strdup("过期的写入");
  free(c->contacts[0].name);
  c->contacts[0].name = strdup("赵六");
  assert_int_equal(store_write(fx->store, customer_update_unit, &op, &err), SH_ERR_CONFLICT);
  assert_string_equal(err.code, "stale_version");
  struct customer *unchanged = NULL;
  assert_int_equal(get_customer(fx, id, &scope, &unchanged), SH_OK);
  assert_string_equal(unchanged->name, "华东精密机电");
  assert_int_equal(unchanged->version, 2);
  assert_int_equal(unchanged->updated_at, NOW + 120);
  assert_int_equal(unchanged->ncontacts, 1);
  assert_string_equal(unchanged->contacts[0].name, "王五");
  assert_int_equal(search_ids(fx, user, "过期的写入", ids, &total), 0);
  assert_int_equal(search_ids(fx, user, "赵六", ids, &total), 0);
  assert_int_equal(search_ids(fx, user, "精密机电", ids, &total), 1);
  customer_free(c);
  customer_free(after);
  customer_free(unchanged);
}

static void a_soft_deleted_customer_is_hidden_but_counted(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  char *zhejiang[] = {"330000"};
  int64_t user = add_user(fx, "zj", zhejiang, 1);
  struct customer_scope scope = {.user_id = user};
  int64_t keep = add_customer(
      fx, user, &(struct customer_spec){.name = "保留客户", .region = "330106", .phone = "1"});
  int64_t gone = add_customer(
      fx, user,
      &(struct customer_spec){.name = "删除客户甲", .region = "330106", .phone = "13811112222"});
  /* A stale version does not delete. */
  struct customer_op del = {.id = gone, .version = 5};
  assert_int_equal(store_write(fx->store, customer_delete_unit, &del, &err), SH_ERR_CONFLICT);
  assert_string_equal(err.code, "stale_version");
  del.version = 1;
  assert_int_equal(store_write(fx->store, customer_delete_unit, &del, &err), SH_OK);
  /* Deleting twice finds nothing live to delete. */
  del.version = 2;
  assert_int_not_equal(store_write(fx->store, customer_delete_unit, &del, &err), SH_OK);

  struct customer *c = NULL;
  assert_int_equal(get_customer(fx, gone, &scope, &c), SH_ERR_NOT_FOUND);
  assert_int_equal(get_customer(fx, keep, &scope, &c), SH_OK);
  customer_free(c);
  struct customer_op exists = {.id = gone};
  assert_int_equal(store_read(fx->store, customer_exists_unit, &exists, &err), SH_OK);
  assert_false(exists.exists);
  exists.id = keep;
  assert_int_equal(store_read(fx->store, customer_exists_unit, &exists, &err), SH_OK);
  assert_true(exists.exists);

  struct customer_filter f = {.key_customer = -1, .sort = CUSTOMER_SORT_ID, .limit = 10};
  struct page page = {0};
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.count, 1);
  assert_int_equal(page.ids[0], keep);
  assert_int_equal(page.total, 1);
  free_page(&page);
  int64_t ids[8], total;
  assert_int_equal(search_ids(fx, user, "删除客户", ids, &total), 0);
  assert_int_equal(search_ids(fx, user, "删除", ids, &total), 0);
  assert_int_equal(search_ids(fx, user, "13811112222", ids, &total), 0);
  /* The row stays in the database with its deletion time (SPEC L: nothing silently lost). */
  struct store_param p[] = {SP_INT(gone)};
  assert_int_equal(read_int(fx, "SELECT deleted_at FROM customers WHERE id = $1", p, 1), NOW + 180);
}

/* The search fixture: ids in insertion order. */
enum {
  C_HUADONG,  /* 华东机电有限公司: 华 in the name; contact 李四 */
  C_XIHU_AF,  /* 西湖安防科技: name starts with 西湖; full-width phone */
  C_HZ_XIHU,  /* 杭州西湖电子: 西湖 inside the name; 华 in address and contact */
  C_XIHU,     /* 西湖: exactly the name */
  C_DONGFANG, /* 东方监控: 西湖 in the address; extra address 莫干山路 */
  C_QIANTANG, /* 钱塘水务: contact 陈西湖 */
  C_NANJING,  /* 南京华为服务站: in Jiangsu, 华 in the name */
  C_ABC,      /* ＡＢＣ智能: full-width Latin name */
  C_COUNT
};

static const struct customer_spec search_fixture[C_COUNT] = {
    [C_HUADONG] = {.name = "华东机电有限公司",
                   .region = "330106",
                   .phone = "13800000001",
                   .address = "文三路1号",
                   .contact = "李四",
                   .contact_phone = "13900000001"},
    [C_XIHU_AF] = {.name = "西湖安防科技",
                   .region = "330106",
                   .phone = "０５７１８８８８１２３４",
                   .address = "古墩路99号"},
    [C_HZ_XIHU] = {.name = "杭州西湖电子",
                   .region = "330106",
                   .phone = "13800000003",
                   .address = "华星路8号",
                   .contact = "王小华",
                   .contact_phone = "13500000003"},
    [C_XIHU] = {.name = "西湖",
                .region = "330106",
                .phone = "0571-12345678",
                .address = "曙光路2号"},
    [C_DONGFANG] = {.name = "东方监控",
                    .region = "330106",
                    .phone = "13800000005",
                    .address = "西湖区文一西路",
                    .extra_address = "莫干山路50号"},
    [C_QIANTANG] = {.name = "钱塘水务",
                    .region = "330100",
                    .phone = "13800000006",
                    .address = "滨江路3号",
                    .contact = "陈西湖",
                    .contact_phone = "13300000006"},
    [C_NANJING] = {.name = "南京华为服务站",
                   .region = "320102",
                   .phone = "025-66668888",
                   .address = "中山路1号"},
    [C_ABC] = {.name = "ＡＢＣ智能",
               .region = "330106",
               .phone = "13800000008",
               .address = "天目山路1号"},
};

struct search_case {
  const char *query; /* as a user types it; folded before the store sees it */
  int expect[C_COUNT];
  int nexpect; /* in relevance order: rank, then id */
};

static void customer_search_finds_substrings_of_any_length_in_every_field(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "Known pitfalls" — FTS5 trigram finds nothing for 1–2 character
   * queries, so short queries go to instr()/LIKE; SPEC A1 — contacts, addresses, phones. */
  char *both[] = {"330000", "320000"};
  int64_t user = add_user(fx, "search", both, 2);
  int64_t ids[C_COUNT];
  for (int i = 0; i < C_COUNT; i++)
    ids[i] = add_customer(fx, user, &search_fixture[i]);
  static const struct search_case cases[] = {
      /* one character: names, address, contact names, in Jiangsu too */
      {"华", {C_HUADONG, C_NANJING, C_HZ_XIHU}, 3},
      /* two characters: exact name, name prefix, name substring, address, contact */
      {"西湖", {C_XIHU, C_XIHU_AF, C_HZ_XIHU, C_DONGFANG, C_QIANTANG}, 5},
      {"李四", {C_HUADONG}, 1},
      /* three or more characters (the trigram index on SQLite) */
      {"文三路", {C_HUADONG}, 1},
      {"王小华", {C_HZ_XIHU}, 1},
      {"安防科", {C_XIHU_AF}, 1},
      {"莫干山路", {C_DONGFANG}, 1},
      {"西湖区文一", {C_DONGFANG}, 1},
      {"13900000001", {C_HUADONG}, 1},
      {"025-6666", {C_NANJING}, 1},
      /* full-width digits and letters fold on both sides */
      {"0571", {C_XIHU_AF, C_XIHU}, 2},
      {"０５７１", {C_XIHU_AF, C_XIHU}, 2},
      {"88881234", {C_XIHU_AF}, 1},
      {"abc", {C_ABC}, 1},
      {"ＡＢＣ智", {C_ABC}, 1},
      {"Abc智能", {C_ABC}, 1},
      /* nothing, and characters that mean something to LIKE or FTS5 */
      {"不存在的客户", {0}, 0},
      {"%", {0}, 0},
      {"_", {0}, 0},
      {"\"西湖\"", {0}, 0},
      {"西湖 OR 华", {0}, 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    int64_t found[C_COUNT], total = -1;
    size_t n = search_ids(fx, user, cases[k].query, found, &total);
    if (n != (size_t)cases[k].nexpect)
      fail_msg("search \"%s\": %zu rows, expected %d", cases[k].query, n, cases[k].nexpect);
    assert_int_equal(total, cases[k].nexpect);
    for (size_t i = 0; i < n; i++)
      if (found[i] != ids[cases[k].expect[i]])
        fail_msg("search \"%s\": row %zu is id %lld, expected %lld", cases[k].query, i,
                 (long long)found[i], (long long)ids[cases[k].expect[i]]);
  }
}

static void a_search_finds_the_same_customers_whatever_the_query_length(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: DESIGN.md "Known pitfalls" — short queries are routed to instr()/LIKE only
   * because trigrams find nothing below 3 characters: the route must not change what
   * matches. utf8.h folds only full-width forms and A-Z, so letters outside ASCII keep
   * their case on every route and on both drivers. */
  char *zhejiang[] = {"330000"};
  int64_t user = add_user(fx, "unicode", zhejiang, 1);
  add_customer(fx, user,
               &(struct customer_spec){
                   .name = "Москва Сервис", .region = "330106", .address = "ÉCOLE Straße 1"});
  const struct {
    const char *queries[3];
  } families[] = {
      {{"Мо", "Моск", "Москва"}}, /* as written */
      {{"мо", "моск", "москва"}}, /* another case */
      {{"ÉC", "ÉCOL", "ÉCOLE"}},  {{"éc", "écol", "école"}},
      {{"ße", "aße", "Straße"}},  {{"ss", "ass", "strasse"}},
  };
  for (size_t k = 0; k < sizeof families / sizeof *families; k++) {
    int64_t ids[4], total, first = -1;
    for (int q = 0; q < 3; q++) {
      int64_t n = (int64_t)search_ids(fx, user, families[k].queries[q], ids, &total);
      if (q == 0)
        first = n;
      else if (n != first)
        fail_msg("\"%s\" finds %lld customer(s) but \"%s\" finds %lld", families[k].queries[0],
                 (long long)first, families[k].queries[q], (long long)n);
    }
  }
  int64_t ids[4], total;
  assert_int_equal(search_ids(fx, user, "Моск", ids, &total), 1);
  assert_int_equal(search_ids(fx, user, "Straße", ids, &total), 1);
}

static void customer_search_ranks_exact_then_prefix_then_substring_then_other_fields(void **state) {
  struct fixture *fx = *state;
  /* EVIDENCE: customers.h CUSTOMER_SORT_RELEVANCE — exact name, name prefix, name substring,
   * then another field; ties by id. Inserted so that id order alone cannot pass. */
  char *zhejiang[] = {"330000"};
  int64_t user = add_user(fx, "rank", zhejiang, 1);
  const struct customer_spec specs[] = {
      {.name = "华东机电", .region = "330106", .address = "安防科技园1号"},
      {.name = "钱塘水务", .region = "330106", .contact = "安防科张"},
      {.name = "西湖安防科技", .region = "330106"},
      {.name = "杭州安防科", .region = "330106"},
      {.name = "安防科技", .region = "330106"},
      {.name = "安防", .region = "330106"},
      {.name = "ＡＮ安防", .region = "330106", .address = "安防大道"},
      {.name = "安防科", .region = "330106"},
  };
  int64_t id[8];
  for (int i = 0; i < 8; i++)
    id[i] = add_customer(fx, user, &specs[i]);
  /* Two characters (instr() on SQLite) and three (the trigram index): the same rules. */
  const struct {
    const char *q;
    int n;
    int row[8];
    int64_t rank[8];
  } cases[] = {
      {"安防", 8, {5, 4, 7, 2, 3, 6, 0, 1}, {0, 1, 1, 2, 2, 2, 3, 3}},
      {"安防科", 6, {7, 4, 2, 3, 0, 1}, {0, 1, 2, 2, 3, 3}},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    struct customer_filter f = {
        .q = cases[k].q, .key_customer = -1, .sort = CUSTOMER_SORT_RELEVANCE, .limit = 20};
    struct page page = {0};
    list_page(fx, &f, &(struct customer_scope){.user_id = user}, &page);
    assert_int_equal(page.count, cases[k].n);
    assert_int_equal(page.total, cases[k].n);
    for (int i = 0; i < cases[k].n; i++) {
      if (page.ids[i] != id[cases[k].row[i]] || page.ranks[i] != cases[k].rank[i])
        fail_msg("\"%s\" row %d: id %lld rank %lld, expected id %lld rank %lld", cases[k].q, i,
                 (long long)page.ids[i], (long long)page.ranks[i], (long long)id[cases[k].row[i]],
                 (long long)cases[k].rank[i]);
    }
    free_page(&page);
  }
}

/* Keyset paging over every row, checked against one unpaged list of the same order. */
static void page_through(struct fixture *fx, struct customer_filter f,
                         const struct customer_scope *scope, int64_t page_size) {
  struct customer_filter all = f;
  all.limit = 64;
  all.keyset = false;
  all.offset = 0;
  struct page whole = {0};
  list_page(fx, &all, scope, &whole);
  assert_true(whole.count > (size_t)page_size * 2);
  assert_int_equal(whole.total, (int64_t)whole.count);

  char after_name[256] = "";
  f.keyset = true;
  f.after = false; /* the first page has no bound */
  f.limit = page_size;
  size_t seen = 0;
  for (int pages = 0; pages < 64; pages++) {
    struct page page = {0};
    list_page(fx, &f, scope, &page);
    assert_int_equal(page.total, (int64_t)whole.count); /* total ignores the cursor */
    for (size_t i = 0; i < page.count; i++) {
      assert_true(seen < whole.count);
      if (page.ids[i] != whole.ids[seen])
        fail_msg("sort %d desc %d: row %zu is id %lld, expected %lld", f.sort, f.descending, seen,
                 (long long)page.ids[i], (long long)whole.ids[seen]);
      seen++;
    }
    if (page.count == 0) {
      free_page(&page);
      break;
    }
    size_t last = page.count - 1;
    f.after_id = page.ids[last];
    f.after_int = f.sort == CUSTOMER_SORT_CREATED ? page.created[last] : page.ranks[last];
    snprintf(after_name, sizeof after_name, "%s", page.names[last]);
    f.after_text = after_name;
    f.after = true;
    bool short_page = page.count < (size_t)page_size;
    free_page(&page);
    if (short_page)
      break;
  }
  assert_int_equal(seen, whole.count); /* every row exactly once, in order */
  free_page(&whole);
}

static void keyset_paging_visits_every_row_once_in_every_order(void **state) {
  struct fixture *fx = *state;
  char *zhejiang[] = {"330000"};
  int64_t user = add_user(fx, "pager", zhejiang, 1);
  /* Repeated names, so that ties on the sort value are broken by id. */
  const char *names[] = {"安防",       "安防科技", "西湖安防", "东方电子",
                         "Alpha 安防", "alpha",    "华东机电", "安防路灯"};
  size_t nnames = sizeof names / sizeof *names;
  int64_t deleted = 0;
  for (int i = 0; i < 27; i++) {
    char address[64];
    snprintf(address, sizeof address, i % 2 ? "安防路%d号" : "文三路%d号", i);
    int64_t id = add_customer(fx, user,
                              &(struct customer_spec){.name = names[(size_t)i % nnames],
                                                      .region = i % 9 == 4 ? "320102" : "330106",
                                                      .address = address});
    if (i == 10)
      deleted = id;
  }
  struct sh_error err = {0};
  struct customer_op del = {.id = deleted, .version = 1};
  assert_int_equal(store_write(fx->store, customer_delete_unit, &del, &err), SH_OK);

  struct customer_scope scope = {.user_id = user};
  const enum customer_sort sorts[] = {CUSTOMER_SORT_ID, CUSTOMER_SORT_NAME, CUSTOMER_SORT_CREATED};
  for (size_t s = 0; s < sizeof sorts / sizeof *sorts; s++)
    for (int desc = 0; desc <= 1; desc++)
      for (int64_t size = 1; size <= 4; size += 3)
        page_through(
            fx, (struct customer_filter){.key_customer = -1, .sort = sorts[s], .descending = desc},
            &scope, size);
  /* Relevance, with a short and a long query (both ranks and ids tie a lot). */
  const char *queries[] = {"安防", "安防路"};
  for (size_t q = 0; q < 2; q++)
    for (int64_t size = 1; size <= 4; size += 3)
      page_through(fx,
                   (struct customer_filter){
                       .q = queries[q], .key_customer = -1, .sort = CUSTOMER_SORT_RELEVANCE},
                   &scope, size);
  /* Name order really is by name, then id. */
  struct page whole = {0};
  list_page(fx,
            &(struct customer_filter){.key_customer = -1, .sort = CUSTOMER_SORT_NAME, .limit = 64},
            &scope, &whole);
  assert_int_equal(whole.count, 27 - 3 - 1); /* three in Jiangsu, one deleted */
  for (size_t i = 1; i < whole.count; i++) {
    int cmp = strcmp(whole.names[i - 1], whole.names[i]);
    assert_true(cmp < 0 || (cmp == 0 && whole.ids[i - 1] < whole.ids[i]));
  }
  free_page(&whole);
}

static void customer_list_filters_and_offset_pages_count_every_match(void **state) {
  struct fixture *fx = *state;
  char *zhejiang[] = {"330000"};
  int64_t user = add_user(fx, "filters", zhejiang, 1);
  for (int i = 0; i < 9; i++) {
    char name[32];
    snprintf(name, sizeof name, "客户%d", i);
    add_customer(fx, user,
                 &(struct customer_spec){.name = name,
                                         .region = i < 3 ? "330106" : "330100",
                                         .dealer_id = i % 3 == 0 ? 5 : 0});
  }
  struct customer_scope scope = {.user_id = user};
  struct page page = {0};
  struct customer_filter f = {
      .key_customer = -1, .sort = CUSTOMER_SORT_ID, .limit = 4, .offset = 4};
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.count, 4);
  assert_int_equal(page.total, 9);
  free_page(&page);
  f.region_prefix = "330106";
  f.offset = 0;
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.total, 3);
  free_page(&page);
  f.region_prefix = NULL;
  f.dealer_id = 5;
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.total, 3);
  free_page(&page);
  f.dealer_id = 0;
  f.product_type = "surveillance";
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.total, 9);
  free_page(&page);
  f.product_type = "parking";
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.total, 0);
  free_page(&page);
  f.product_type = NULL;
  f.key_customer = 1;
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.total, 0);
  f.key_customer = 0;
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.total, 9);
  free_page(&page);
  f.q = "客户";
  f.limit = 2;
  list_page(fx, &f, &scope, &page);
  assert_int_equal(page.count, 2);
  assert_int_equal(page.total, 9);
  free_page(&page);
}

/* ---- 8. Idempotency keys ---- */

struct idempotency_op {
  int64_t user_id;
  const char *key, *route;
  int64_t entity_id;
};

static enum sh_status idempotency_put_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct idempotency_op *op = arg;
  return store_idempotency_put(tx, op->user_id, op->key, op->route, op->entity_id, NOW, err);
}

static enum sh_status idempotency_get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct idempotency_op *op = arg;
  return store_idempotency_get(tx, op->user_id, op->key, op->route, &op->entity_id, err);
}

static void an_idempotency_key_returns_its_id_and_refuses_another_route(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  /* EVIDENCE: DESIGN.md "Known pitfalls" — creating requests accept an Idempotency-Key
   * (unique per user), so a retry never duplicates. */
  struct idempotency_op put = {7, "3f2a-重试", "POST /api/v1/customers", INT64_C(1) << 52};
  assert_int_equal(store_write(fx->store, idempotency_put_unit, &put, &err), SH_OK);

  struct idempotency_op get = {7, "3f2a-重试", "POST /api/v1/customers", -1};
  assert_int_equal(store_read(fx->store, idempotency_get_unit, &get, &err), SH_OK);
  assert_true(get.entity_id == INT64_C(1) << 52);

  get = (struct idempotency_op){7, "3f2a-重试", "POST /api/v1/tickets", -1};
  assert_int_equal(store_read(fx->store, idempotency_get_unit, &get, &err), SH_ERR_CONFLICT);
  assert_string_equal(err.code, "idempotency_key_reused");

  get = (struct idempotency_op){7, "a-new-key", "POST /api/v1/customers", -1};
  assert_int_equal(store_read(fx->store, idempotency_get_unit, &get, &err), SH_OK);
  assert_int_equal(get.entity_id, 0);
  /* Keys are per user. */
  get = (struct idempotency_op){8, "3f2a-重试", "POST /api/v1/tickets", -1};
  assert_int_equal(store_read(fx->store, idempotency_get_unit, &get, &err), SH_OK);
  assert_int_equal(get.entity_id, 0);
  /* The same key stored twice for one user is a duplicate. */
  assert_int_equal(store_write(fx->store, idempotency_put_unit, &put, &err), SH_ERR_CONFLICT);
  assert_string_equal(err.code, "duplicate");
}

/* ---- Settings, audit and reference data ---- */

struct setting_op {
  const char *key, *value;
  int64_t version;
  struct setting_row row;
};

static enum sh_status setting_put_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct setting_op *op = arg;
  return store_setting_put(tx, op->key, op->value, op->version, NOW, 0, err);
}

static enum sh_status setting_get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct setting_op *op = arg;
  return store_setting_get(tx, op->key, &op->row, err);
}

static void settings_put_with_versions_and_get_back(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  struct setting_op op = {.key = "warranty.months"};
  assert_int_equal(store_read(fx->store, setting_get_unit, &op, &err), SH_OK);
  assert_null(op.row.key); /* never set */

  op = (struct setting_op){.key = "warranty.months", .value = "24", .version = 0};
  assert_int_equal(store_write(fx->store, setting_put_unit, &op, &err), SH_OK);
  /* "Never set" is stale once someone set it. */
  assert_int_equal(store_write(fx->store, setting_put_unit, &op, &err), SH_ERR_CONFLICT);
  assert_string_equal(err.code, "stale_version");
  op.version = 1;
  op.value = "36";
  assert_int_equal(store_write(fx->store, setting_put_unit, &op, &err), SH_OK);
  op.value = "48";
  assert_int_equal(store_write(fx->store, setting_put_unit, &op, &err), SH_ERR_CONFLICT);

  assert_int_equal(store_read(fx->store, setting_get_unit, &op, &err), SH_OK);
  assert_string_equal(op.row.key, "warranty.months");
  assert_string_equal(op.row.value, "36");
  assert_int_equal(op.row.version, 2);
  assert_int_equal(op.row.updated_at, NOW);
  assert_int_equal(op.row.updated_by, 0);
  setting_row_free(&op.row);
}

struct audit_op {
  const struct audit_record *in;
  const struct audit_filter *filter;
  struct audit_record *list;
  size_t count;
  int64_t total;
};

static enum sh_status audit_insert_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct audit_op *op = arg;
  return store_audit_insert(tx, op->in, err);
}

static enum sh_status audit_list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct audit_op *op = arg;
  return store_audit_list(tx, op->filter, &op->list, &op->count, &op->total, err);
}

static void audit_rows_list_newest_first_with_filters_and_a_cursor(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  /* EVIDENCE: SPEC L — every change is audited (who, when, before, after). */
  for (int i = 0; i < 5; i++) {
    struct audit_record a = {.at = NOW + i,
                             .actor_id = i % 2 ? 3 : 0,
                             .actor_name = i % 2 ? "张伟" : "cli",
                             .entity = i < 3 ? "customer" : "setting",
                             .entity_id = i < 3 ? 42 : 0,
                             .action = "update",
                             .changes = "{\"name\":{\"old\":\"甲\",\"new\":\"乙\"}}"};
    struct audit_op op = {.in = &a};
    assert_int_equal(store_write(fx->store, audit_insert_unit, &op, &err), SH_OK);
  }
  struct audit_filter f = {.entity = "customer", .entity_id = 42, .limit = 2};
  struct audit_op op = {.filter = &f};
  assert_int_equal(store_read(fx->store, audit_list_unit, &op, &err), SH_OK);
  assert_int_equal(op.total, 3);
  assert_int_equal(op.count, 2);
  assert_int_equal(op.list[0].at, NOW + 2);
  assert_int_equal(op.list[1].at, NOW + 1);
  assert_string_equal(op.list[1].actor_name, "张伟");
  assert_int_equal(op.list[1].actor_id, 3);
  assert_string_equal(op.list[1].changes, "{\"name\":{\"old\":\"甲\",\"new\":\"乙\"}}");
  f.before_id = op.list[1].id;
  for (size_t i = 0; i < op.count; i++)
    audit_record_free(&op.list[i]);
  free(op.list);
  assert_int_equal(store_read(fx->store, audit_list_unit, &op, &err), SH_OK);
  assert_int_equal(op.total, 3);
  assert_int_equal(op.count, 1);
  assert_int_equal(op.list[0].at, NOW);
  assert_int_equal(op.list[0].actor_id, 0);
  for (size_t i = 0; i < op.count; i++)
    audit_record_free(&op.list[i]);
  free(op.list);
  f = (struct audit_filter){.from = NOW + 1, .to = NOW + 4, .actor_id = 3, .limit = 10};
  assert_int_equal(store_read(fx->store, audit_list_unit, &op, &err), SH_OK);
  assert_int_equal(op.total, 2);
  for (size_t i = 0; i < op.count; i++)
    audit_record_free(&op.list[i]);
  free(op.list);
}

struct region_op {
  const char *code;
  char *name;
  struct region_row *rows;
  size_t count;
};

static enum sh_status region_full_name_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct region_op *op = arg;
  return store_region_full_name(tx, op->code, &op->name, err);
}

static enum sh_status region_children_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct region_op *op = arg;
  return store_region_children(tx, op->code, &op->rows, &op->count, err);
}

static void regions_upsert_and_name_their_ancestors(void **state) {
  struct fixture *fx = *state;
  struct sh_error err = {0};
  /* Putting the same regions again replaces them (region load runs more than once). */
  assert_int_equal(store_write(fx->store, put_regions, NULL, &err), SH_OK);
  assert_int_equal(read_int(fx, "SELECT count(*) FROM regions", NULL, 0), 6);
  struct region_op op = {.code = "330106"};
  assert_int_equal(store_read(fx->store, region_full_name_unit, &op, &err), SH_OK);
  assert_string_equal(op.name, "浙江省 杭州市 西湖区");
  free(op.name);
  op = (struct region_op){.code = "999999"};
  assert_int_equal(store_read(fx->store, region_full_name_unit, &op, &err), SH_OK);
  assert_null(op.name);
  op = (struct region_op){.code = ""};
  assert_int_equal(store_read(fx->store, region_children_unit, &op, &err), SH_OK);
  assert_int_equal(op.count, 2);
  assert_string_equal(op.rows[0].code, "320000");
  assert_string_equal(op.rows[1].name, "浙江省");
  assert_int_equal(op.rows[1].level, 1);
  assert_false(op.rows[1].leaf); /* 杭州市 is below it */
  region_rows_free(op.rows, op.count);
}

#define ON_BOTH(f, setup)                                                                          \
  {#f " [sqlite]", f, setup, fixture_teardown, (void *)&sqlite_driver}, {                          \
#f " [postgres]", f, setup, fixture_teardown, (void *)&pg_driver                               \
  }
#define ON_SQLITE(f, setup)                                                                        \
  { #f " [sqlite]", f, setup, fixture_teardown, (void *)&sqlite_driver }

int main(void) {
  const struct CMUnitTest tests[] = {
      ON_SQLITE(sqlite_connections_use_wal_synchronous_full_and_foreign_keys, fixture_setup),
      ON_BOTH(concurrent_units_succeed_or_fail_alone, fixture_setup),
      ON_SQLITE(units_succeed_or_fail_alone_without_group_commit, fixture_setup),
      ON_SQLITE(a_unit_that_ends_the_transaction_fails_its_whole_batch, fixture_setup),
      ON_BOTH(a_failed_commit_fails_every_unit_it_would_have_acknowledged, fixture_setup),
      ON_BOTH(a_failed_unit_leaves_no_write_behind, fixture_setup),
      ON_BOTH(an_acknowledged_write_is_seen_by_the_next_read_on_another_thread, fixture_setup),
      ON_BOTH(placeholders_may_repeat_and_come_out_of_order, fixture_setup),
      ON_BOTH(placeholders_after_a_comment_with_an_apostrophe_keep_their_numbers, fixture_setup),
      ON_BOTH(parameters_are_bound_never_interpolated, fixture_setup),
      ON_BOTH(null_text_binds_sql_null_and_empty_text_does_not, fixture_setup),
      ON_BOTH(integers_up_to_2_pow_53_round_trip_exactly, fixture_setup),
      ON_BOTH(chinese_text_round_trips_byte_for_byte, fixture_setup),
      ON_BOTH(blob_parameters_bind_every_byte_including_nul, fixture_setup),
      ON_BOTH(a_unique_violation_is_a_duplicate_conflict, fixture_setup),
      ON_BOTH(a_foreign_key_violation_is_a_constraint_conflict, migrated_setup),
      ON_BOTH(a_syntax_error_is_unavailable_and_the_store_keeps_working, fixture_setup),
      ON_BOTH(a_read_unit_cannot_write, fixture_setup),
      ON_BOTH(users_insert_get_and_update_with_optimistic_versions, migrated_setup),
      ON_BOTH(user_grants_store_prefixes_and_cover_the_regions_below_them, migrated_setup),
      ON_BOTH(customer_get_respects_the_region_scope, migrated_setup),
      ON_BOTH(a_customer_update_with_a_stale_version_changes_nothing, migrated_setup),
      ON_BOTH(a_soft_deleted_customer_is_hidden_but_counted, migrated_setup),
      ON_BOTH(customer_search_finds_substrings_of_any_length_in_every_field, migrated_setup),
      ON_BOTH(a_search_finds_the_same_customers_whatever_the_query_length, migrated_setup),
      ON_BOTH(customer_search_ranks_exact_then_prefix_then_substring_then_other_fields,
              migrated_setup),
      ON_BOTH(keyset_paging_visits_every_row_once_in_every_order, migrated_setup),
      ON_BOTH(customer_list_filters_and_offset_pages_count_every_match, migrated_setup),
      ON_BOTH(an_idempotency_key_returns_its_id_and_refuses_another_route, migrated_setup),
      ON_BOTH(settings_put_with_versions_and_get_back, migrated_setup),
      ON_BOTH(audit_rows_list_newest_first_with_filters_and_a_cursor, migrated_setup),
      ON_BOTH(regions_upsert_and_name_their_ancestors, migrated_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
