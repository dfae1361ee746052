/* pg.c — the PostgreSQL driver (libpq): a pool of connections, one transaction per unit.
 *
 * Design: PostgreSQL already shares WAL flushes between concurrent commits, so each unit
 * simply runs BEGIN … COMMIT on a pooled connection. Statements go through PQexecParams
 * (unnamed statements), which keeps pgbouncer's transaction pooling usable. Integers are
 * sent as int8 and text as text, so that a query variant may leave a parameter unused.
 * A connection that broke is reset before its next use, and one that broke unseen (its
 * server restarted while it sat in the pool) is reset when its BEGIN fails, and the unit
 * begins again: after a database restart the first request on each pooled connection
 * succeeds (tests/fault/pg_restart.test.js). The store refuses a database whose encoding
 * is not UTF8 (pg_trgm sees no Chinese in SQL_ASCII — DESIGN.md pitfall). */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/limits.h"
#include "../base/log.h"
#include "../base/mem.h"
#include "driver.h"

struct pgconn {
  PGconn *db;
  bool ready; /* session_setup ran on the current session */
  struct pgconn *next_free;
};

struct pg_state {
  char *url;
  int max_conns;
  int open_conns;
  pthread_mutex_t lock;
  pthread_cond_t available;
  struct pgconn *free_list;
};

static enum sh_status check_encoding(PGconn *db, struct sh_error *err) {
  const char *enc = PQparameterStatus(db, "server_encoding");
  if (!enc || strcmp(enc, "UTF8") != 0)
    return sh_fail(err, SH_ERR_UNAVAILABLE, "database_not_utf8", "db", enc ? enc : "?");
  return SH_OK;
}

/* The session every connection starts with: UTF8 checked, times in UTC, warnings only.
 * PQreset opens a new session, so it runs again after each reset. */
static enum sh_status session_setup(PGconn *db, struct sh_error *err) {
  enum sh_status rc = check_encoding(db, err);
  if (rc == SH_OK) {
    PGresult *r = PQexec(db, "SET TIME ZONE 'UTC'; SET client_min_messages = warning");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      rc = sh_fail(err, SH_ERR_UNAVAILABLE, "database_unavailable", NULL, NULL);
    PQclear(r);
  }
  return rc;
}

static enum sh_status connect_one(struct pg_state *st, struct pgconn **out, struct sh_error *err) {
  PGconn *db = PQconnectdb(st->url);
  if (!db || PQstatus(db) != CONNECTION_OK) {
    char msg[256];
    log_quote(msg, sizeof msg, db ? PQerrorMessage(db) : "out of memory");
    sh_log(LOG_PRIO_ERR, "msg=postgres_connect_failed error=%s", msg);
    PQfinish(db);
    return sh_fail(err, SH_ERR_UNAVAILABLE, "database_unavailable", NULL, NULL);
  }
  enum sh_status rc = session_setup(db, err);
  if (rc != SH_OK) {
    PQfinish(db);
    return rc;
  }
  struct pgconn *c = sh_calloc(1, sizeof *c);
  if (!c) {
    PQfinish(db);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  c->db = db;
  c->ready = true;
  *out = c;
  return SH_OK;
}

/* Opens a new session on a connection that broke (the server restarted or failed over). */
static enum sh_status reconnect(struct pgconn *c, struct sh_error *err) {
  c->ready = false;
  PQreset(c->db);
  if (PQstatus(c->db) != CONNECTION_OK) {
    char msg[256];
    log_quote(msg, sizeof msg, PQerrorMessage(c->db));
    sh_log(LOG_PRIO_ERR, "msg=postgres_connect_failed error=%s", msg);
    return sh_fail(err, SH_ERR_UNAVAILABLE, "database_unavailable", NULL, NULL);
  }
  sh_log(LOG_PRIO_WARNING, "msg=postgres_reconnected");
  enum sh_status rc = session_setup(c->db, err);
  c->ready = rc == SH_OK;
  return rc;
}

static enum sh_status acquire(struct pg_state *st, struct pgconn **out, struct sh_error *err) {
  pthread_mutex_lock(&st->lock);
  while (!st->free_list && st->open_conns >= st->max_conns)
    pthread_cond_wait(&st->available, &st->lock);
  struct pgconn *c = st->free_list;
  if (c) {
    st->free_list = c->next_free;
  } else {
    st->open_conns++;
  }
  pthread_mutex_unlock(&st->lock);
  enum sh_status rc = SH_OK;
  if (!c) {
    rc = connect_one(st, &c, err);
  } else if (PQstatus(c->db) != CONNECTION_OK || !c->ready) {
    rc = reconnect(c, err);
  }
  if (rc != SH_OK) {
    if (c) {
      PQfinish(c->db);
      free(c);
    }
    pthread_mutex_lock(&st->lock);
    st->open_conns--;
    pthread_cond_signal(&st->available);
    pthread_mutex_unlock(&st->lock);
    return rc;
  }
  *out = c;
  return SH_OK;
}

static void release(struct pg_state *st, struct pgconn *c) {
  pthread_mutex_lock(&st->lock);
  c->next_free = st->free_list;
  st->free_list = c;
  pthread_cond_signal(&st->available);
  pthread_mutex_unlock(&st->lock);
}

static enum sh_status map_result(PGconn *db, PGresult *r, struct sh_error *err) {
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (state && strcmp(state, "23505") == 0)
    return sh_fail(err, SH_ERR_CONFLICT, "duplicate", NULL, NULL);
  if (state && strncmp(state, "23", 2) == 0)
    return sh_fail(err, SH_ERR_CONFLICT, "constraint", NULL,
                   PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
  char msg[256];
  log_quote(msg, sizeof msg, r ? PQresultErrorMessage(r) : PQerrorMessage(db));
  sh_log(LOG_PRIO_ERR, "msg=postgres_error sqlstate=%s error=%s", state ? state : "-", msg);
  if (state && strcmp(state, "53100") == 0)
    return sh_fail(err, SH_ERR_UNAVAILABLE, "disk_full", NULL, NULL);
  return sh_fail(err, SH_ERR_UNAVAILABLE, "database_error", NULL, NULL);
}

static enum sh_status pg_exec(struct store_tx *tx, const char *sql,
                              const struct store_param *params, int nparams,
                              struct store_rows **rows_out, struct sh_error *err) {
  struct pgconn *c = tx->conn;
  if (nparams > SH_MAX_SQL_PARAMS)
    return sh_fail(err, SH_ERR_INTERNAL, "too_many_parameters", NULL, NULL);
  Oid types[SH_MAX_SQL_PARAMS];
  const char *values[SH_MAX_SQL_PARAMS];
  int lengths[SH_MAX_SQL_PARAMS], formats[SH_MAX_SQL_PARAMS];
  char ints[SH_MAX_SQL_PARAMS][24];
  for (int i = 0; i < nparams; i++) {
    types[i] = 0;
    lengths[i] = 0;
    formats[i] = 0;
    values[i] = NULL;
    switch (params[i].type) {
    case STORE_P_INT:
      snprintf(ints[i], sizeof ints[i], "%lld", (long long)params[i].i);
      values[i] = ints[i];
      types[i] = 20; /* int8 */
      break;
    case STORE_P_TEXT:
      values[i] = params[i].s;
      types[i] = 25; /* text: typed, so a variant may leave a parameter unused */
      break;
    case STORE_P_BLOB:
      values[i] = params[i].s;
      lengths[i] = (int)params[i].len;
      formats[i] = 1;
      types[i] = 17; /* bytea */
      break;
    case STORE_P_NULL:
      break;
    }
  }
  PGresult *r = PQexecParams(c->db, sql, nparams, types, values, lengths, formats, 0);
  ExecStatusType status = PQresultStatus(r);
  enum sh_status rc = SH_OK;
  struct store_rows *rows = NULL;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    rc = map_result(c->db, r, err);
    goto out;
  }
  const char *tuples = PQcmdTuples(r);
  tx->changes = tuples && *tuples ? strtoll(tuples, NULL, 10) : 0;
  if (rows_out) {
    int ncols = PQnfields(r), nrows = PQntuples(r);
    if (ncols > 64) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "too_many_columns", NULL, NULL);
      goto out;
    }
    rows = rows_new((size_t)ncols);
    if (!rows) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
    const char *cells[64];
    size_t lens[64];
    for (int row = 0; row < nrows; row++) {
      for (int col = 0; col < ncols; col++) {
        cells[col] = PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
        lens[col] = (size_t)PQgetlength(r, row, col);
      }
      if (rows_add(rows, cells, lens) != SH_OK) {
        rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
        goto out;
      }
    }
  }
out:
  PQclear(r);
  if (rc == SH_OK && rows_out)
    *rows_out = rows;
  else
    store_rows_free(rows);
  return rc;
}

static enum sh_status pg_exec_script(struct store_tx *tx, const char *sql, struct sh_error *err) {
  struct pgconn *c = tx->conn;
  PGresult *r = PQexec(c->db, sql);
  enum sh_status rc = SH_OK;
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
    rc = map_result(c->db, r, err);
  PQclear(r);
  return rc;
}

static bool simple(struct pgconn *c, const char *sql) {
  PGresult *r = PQexec(c->db, sql);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  return ok;
}

static enum sh_status run_unit(struct pg_state *st, const char *begin, store_unit_fn fn, void *arg,
                               struct sh_error *err) {
  struct pgconn *c = NULL;
  enum sh_status rc = acquire(st, &c, err);
  if (rc != SH_OK)
    return rc;
  struct store_tx tx = {.ops = &store_pg_ops, .conn = c};
  /* A pooled connection whose server went away (a restart, a failover) still reads as OK
   * until it is used: BEGIN is where it shows. Nothing was done yet, so reconnect once and
   * begin again; otherwise every such connection would fail one request after the server
   * is back. */
  bool begun = simple(c, begin);
  if (!begun && PQstatus(c->db) != CONNECTION_OK && reconnect(c, err) == SH_OK)
    begun = simple(c, begin);
  if (!begun) {
    rc = sh_fail(err, SH_ERR_UNAVAILABLE, "database_unavailable", NULL, NULL);
    goto out;
  }
  rc = fn(&tx, arg, err);
  if (rc != SH_OK) {
    simple(c, "ROLLBACK");
    goto out;
  }
  if (!simple(c, "COMMIT"))
    rc = sh_fail(err, SH_ERR_UNAVAILABLE, "commit_failed", NULL, NULL);
out:
  if (PQtransactionStatus(c->db) != PQTRANS_IDLE)
    simple(c, "ROLLBACK");
  release(st, c);
  return rc;
}

static enum sh_status pg_write(void *state, store_unit_fn fn, void *arg, struct sh_error *err) {
  return run_unit(state, "BEGIN", fn, arg, err);
}

static enum sh_status pg_read(void *state, store_unit_fn fn, void *arg, struct sh_error *err) {
  return run_unit(state, "BEGIN READ ONLY", fn, arg, err);
}

static void pg_close(void *state) {
  struct pg_state *st = state;
  if (!st)
    return;
  while (st->free_list) {
    struct pgconn *c = st->free_list;
    st->free_list = c->next_free;
    PQfinish(c->db);
    free(c);
  }
  pthread_mutex_destroy(&st->lock);
  pthread_cond_destroy(&st->available);
  free(st->url);
  free(st);
}

static enum sh_status pg_open(const char *url, const struct store_options *options, void **state,
                              struct sh_error *err) {
  struct pg_state *st = sh_calloc(1, sizeof *st);
  if (!st)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  st->url = sh_strdup(url);
  st->max_conns = options->read_pool_size > 0 ? options->read_pool_size : 16;
  pthread_mutex_init(&st->lock, NULL);
  pthread_cond_init(&st->available, NULL);
  /* Connect once now so a bad URL or a non-UTF8 database is reported at start. */
  struct pgconn *c = NULL;
  enum sh_status rc = connect_one(st, &c, err);
  if (rc != SH_OK) {
    pg_close(st);
    return rc;
  }
  st->open_conns = 1;
  release(st, c);
  *state = st;
  return SH_OK;
}

const struct store_ops store_pg_ops = {
    .dialect = STORE_POSTGRES,
    .open = pg_open,
    .close = pg_close,
    .write = pg_write,
    .read = pg_read,
    .exec = pg_exec,
    .exec_script = pg_exec_script,
};
