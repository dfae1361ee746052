/* sqlite.c — the SQLite driver: one writer thread with group commit, a pool of read
 * connections (DESIGN.md "Writes").
 *
 * Design: every connection runs WAL with synchronous=FULL, foreign keys on and a busy
 * timeout. Request threads never write themselves: store_write queues a unit and waits.
 * The writer takes everything queued, opens BEGIN IMMEDIATE, runs each unit inside its own
 * SAVEPOINT (a failed unit rolls back to it alone and gets its own error) and COMMITs once,
 * so one fsync serves the whole batch; then it wakes every waiter with its own outcome.
 * Nothing is acknowledged before COMMIT returned. If SQLite rolled the transaction back by
 * itself (disk full, I/O error), or COMMIT fails, every unit of the batch fails with 503.
 * There is no deliberate delay: a batch is whatever queued during the previous commit.
 * Read connections are query_only, so a read unit cannot write by mistake. */
#define _GNU_SOURCE /* pthread_setname_np: named threads show in top -H and perf */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/log.h"
#include "../base/mem.h"
#include "../base/limits.h"
#include "driver.h"

#define STMT_CACHE 128

struct cached_stmt {
  char *sql; /* a copy of the caller's text, compared by content */
  size_t len;
  sqlite3_stmt *stmt;
};

struct conn {
  sqlite3 *db;
  struct cached_stmt cache[STMT_CACHE];
  int ncache;
  struct conn *next_free;
};

struct unit {
  store_unit_fn fn;
  void *arg;
  struct sh_error *err;
  enum sh_status rc;
  int done;
  pthread_cond_t wake; /* signalled for this unit alone: no herd of waiters per batch */
  struct unit *next;
};

struct sqlite_state {
  char *path;
  bool group_commit;
  int read_pool_size;
  struct conn *writer_conn;
  pthread_t writer;
  pthread_mutex_t lock;
  pthread_cond_t work; /* writer waits for units */
  struct unit *head, *tail;
  int stopping;
  pthread_mutex_t pool_lock;
  pthread_cond_t reader_free; /* a reader went back to the pool */
  struct conn *free_readers;
  int open_readers;
};

static enum sh_status map_error(sqlite3 *db, int rc, struct sh_error *err) {
  int ext = sqlite3_extended_errcode(db);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
      return sh_fail(err, SH_ERR_CONFLICT, "duplicate", NULL, NULL);
    return sh_fail(err, SH_ERR_CONFLICT, "constraint", NULL, sqlite3_errmsg(db));
  }
  const char *code = "database_error";
  if ((rc & 0xff) == SQLITE_FULL)
    code = "disk_full";
  else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    code = "database_busy";
  /* The line names the condition by the code the client gets, so an operator can grep for
   * error=disk_full without knowing SQLite's numbers. */
  char msg[256];
  log_quote(msg, sizeof msg, sqlite3_errmsg(db));
  sh_log(LOG_PRIO_ERR, "msg=sqlite_error code=%d error=%s message=%s", ext, code, msg);
  return sh_fail(err, SH_ERR_UNAVAILABLE, code, NULL, NULL);
}

static enum sh_status conn_open(const char *path, bool reader, struct conn **out,
                                struct sh_error *err) {
  struct conn *c = sh_calloc(1, sizeof *c);
  if (!c)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  int rc = sqlite3_open_v2(path, &c->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    sh_log(LOG_PRIO_ERR, "msg=sqlite_open_failed path=%s", path);
    sqlite3_close(c->db);
    free(c);
    return sh_fail(err, SH_ERR_UNAVAILABLE, "database_open_failed", "db", path);
  }
  sqlite3_busy_timeout(c->db, 5000);
  const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                        "PRAGMA foreign_keys=ON;";
  char *msg = NULL;
  rc = sqlite3_exec(c->db, pragmas, NULL, NULL, &msg);
  /* Readers keep a small private cache and read through mmap, so that they share the
   * operating system's page cache instead of each holding its own copy. */
  if (rc == SQLITE_OK && reader)
    rc = sqlite3_exec(c->db,
                      "PRAGMA query_only=ON; PRAGMA cache_size=-1024; "
                      "PRAGMA mmap_size=268435456;",
                      NULL, NULL, &msg);
  /* The writer's cache holds what one unit of work dirties: the default 2 MB spills a large
   * unit (a planner batch touches a page of each date index per visit) into the WAL before
   * COMMIT and reads it back, the same page written several times. Up to 64 MB, taken only
   * as pages are used; measured on the planner's first pass over 20 000 projects: pwrite
   * 756 k → 485 k calls, pread 495 k → 95 k. */
  else if (rc == SQLITE_OK)
    rc = sqlite3_exec(c->db, "PRAGMA cache_size=-65536;", NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    /* WAL needs its -shm (and later its -wal) file: on a full disk the first connection
     * cannot make it, and SQLite says only "disk I/O error". Name the cause. */
    const char *code = sqlite3_system_errno(c->db) == ENOSPC ? "disk_full" : "database_open_failed";
    sh_log(LOG_PRIO_ERR, "msg=sqlite_pragma_failed error=%s message=\"%s\"", code, msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(c->db);
    free(c);
    return sh_fail(err, SH_ERR_UNAVAILABLE, code, "db", path);
  }
  *out = c;
  return SH_OK;
}

static void conn_close(struct conn *c) {
  if (!c)
    return;
  for (int i = 0; i < c->ncache; i++) {
    sqlite3_finalize(c->cache[i].stmt);
    free(c->cache[i].sql);
  }
  sqlite3_close(c->db);
  free(c);
}

/* $1..$N → ?1..?N outside quotes and comments (SQLite numbers $N by first appearance). */
static char *rewrite_placeholders(const char *sql) {
  char *out = sh_strdup(sql);
  if (!out)
    return NULL;
  for (char *p = out; *p; p++) {
    if (*p == '\'' || *p == '"') {
      char *end = strchr(p + 1, *p); /* a doubled quote just reopens: the same skip works */
      if (!end)
        break;
      p = end;
    } else if (p[0] == '-' && p[1] == '-') {
      char *end = strchr(p, '\n');
      if (!end)
        break;
      p = end;
    } else if (p[0] == '/' && p[1] == '*') {
      char *end = strstr(p + 2, "*/");
      if (!end)
        break;
      p = end + 1;
    } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
      *p = '?';
    }
  }
  return out;
}

static enum sh_status prepare(struct conn *c, const char *sql, sqlite3_stmt **out, bool *cached,
                              struct sh_error *err) {
  size_t len = strlen(sql);
  for (int i = 0; i < c->ncache; i++)
    if (c->cache[i].len == len && memcmp(c->cache[i].sql, sql, len) == 0) {
      *out = c->cache[i].stmt;
      *cached = true;
      return SH_OK;
    }
  char *text = rewrite_placeholders(sql);
  if (!text)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3(c->db, text, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  free(text);
  if (rc != SQLITE_OK)
    return map_error(c->db, rc, err);
  *cached = false;
  if (c->ncache < STMT_CACHE) {
    c->cache[c->ncache].sql = sh_strdup(sql);
    if (c->cache[c->ncache].sql) {
      c->cache[c->ncache].len = len;
      c->cache[c->ncache].stmt = stmt;
      c->ncache++;
      *cached = true;
    }
  }
  *out = stmt;
  return SH_OK;
}

static enum sh_status sqlite_exec(struct store_tx *tx, const char *sql,
                                  const struct store_param *params, int nparams,
                                  struct store_rows **rows_out, struct sh_error *err) {
  struct conn *c = tx->conn;
  sqlite3_stmt *stmt = NULL;
  bool cached = false;
  struct store_rows *rows = NULL;
  enum sh_status status = prepare(c, sql, &stmt, &cached, err);
  if (status != SH_OK)
    return status;
  int rc = SQLITE_OK;
  /* Callers keep fixed parameter numbers across query variants; a variant that does not use
   * the highest numbers simply leaves them unbound. */
  int bindable = sqlite3_bind_parameter_count(stmt);
  if (nparams > bindable)
    nparams = bindable;
  for (int i = 0; i < nparams && rc == SQLITE_OK; i++) {
    const struct store_param *p = &params[i];
    if (p->type == STORE_P_INT)
      rc = sqlite3_bind_int64(stmt, i + 1, p->i);
    else if (p->type == STORE_P_TEXT && p->s)
      rc = sqlite3_bind_text(stmt, i + 1, p->s, -1, SQLITE_STATIC);
    else if (p->type == STORE_P_BLOB && p->s)
      rc = sqlite3_bind_blob64(stmt, i + 1, p->s, p->len, SQLITE_STATIC);
    else
      rc = sqlite3_bind_null(stmt, i + 1);
  }
  if (rc != SQLITE_OK) {
    status = map_error(c->db, rc, err);
    goto out;
  }
  int ncols = sqlite3_column_count(stmt);
  if (rows_out) {
    rows = rows_new((size_t)ncols);
    if (!rows) {
      status = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
  }
  const char *cells[64];
  size_t lens[64];
  if (ncols > 64) {
    status = sh_fail(err, SH_ERR_INTERNAL, "too_many_columns", NULL, NULL);
    goto out;
  }
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (!rows)
      continue;
    for (int i = 0; i < ncols; i++) {
      cells[i] = (const char *)sqlite3_column_text(stmt, i);
      lens[i] = (size_t)sqlite3_column_bytes(stmt, i);
    }
    if (rows_add(rows, cells, lens) != SH_OK) {
      status = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
  }
  if (rc != SQLITE_DONE) {
    status = map_error(c->db, rc, err);
    goto out;
  }
  tx->changes = sqlite3_changes64(c->db);
out:
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (!cached)
    sqlite3_finalize(stmt);
  if (status == SH_OK && rows_out)
    *rows_out = rows;
  else
    store_rows_free(rows);
  return status;
}

static enum sh_status sqlite_exec_script(struct store_tx *tx, const char *sql,
                                         struct sh_error *err) {
  struct conn *c = tx->conn;
  int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? SH_OK : map_error(c->db, rc, err);
}

static int plain(struct conn *c, const char *sql) {
  return sqlite3_exec(c->db, sql, NULL, NULL, NULL);
}

static void fail_unit(struct unit *u, enum sh_status status, const char *code) {
  u->rc = status;
  sh_fail(u->err, status, code, NULL, NULL);
}

/* The code every unit of a batch fails with when the transaction could not be kept: a full
 * disk keeps its own name (disk_full: retrying is useless until space is freed, and the
 * operator must hear it), any other cause the step's generic code. */
static const char *batch_failure(const char *cause, const char *generic) {
  return strcmp(cause, "disk_full") == 0 ? "disk_full" : generic;
}

/* Runs units [first, stop) in one transaction. */
static void run_batch(struct sqlite_state *st, struct unit *first, struct unit *stop) {
  struct conn *c = st->writer_conn;
  struct store_tx tx = {.ops = &store_sqlite_ops, .conn = c};
  int rc = plain(c, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) {
    struct sh_error e;
    map_error(c->db, rc, &e);
    for (struct unit *u = first; u != stop; u = u->next)
      fail_unit(u, SH_ERR_UNAVAILABLE, e.code);
    return;
  }
  bool aborted = false;
  for (struct unit *u = first; u != stop; u = u->next) {
    if (aborted) {
      fail_unit(u, SH_ERR_UNAVAILABLE, first->err->code);
      continue;
    }
    plain(c, "SAVEPOINT unit");
    u->rc = u->fn(&tx, u->arg, u->err);
    if (sqlite3_get_autocommit(c->db)) {
      /* SQLite rolled the whole transaction back (disk full, I/O error). */
      char why[sizeof u->err->code];
      snprintf(why, sizeof why, "%s",
               batch_failure(u->rc != SH_OK ? u->err->code : "", "transaction_aborted"));
      aborted = true;
      for (struct unit *v = first; v != u->next; v = v->next)
        fail_unit(v, SH_ERR_UNAVAILABLE, why);
      continue;
    }
    if (u->rc != SH_OK)
      plain(c, "ROLLBACK TO unit");
    plain(c, "RELEASE unit");
  }
  if (aborted)
    return;
  rc = plain(c, "COMMIT");
  if (rc != SQLITE_OK) {
    struct sh_error e;
    map_error(c->db, rc, &e);
    plain(c, "ROLLBACK");
    for (struct unit *u = first; u != stop; u = u->next)
      if (u->rc == SH_OK)
        fail_unit(u, SH_ERR_UNAVAILABLE, batch_failure(e.code, "commit_failed"));
  }
}

static void *writer_main(void *arg) {
  struct sqlite_state *st = arg;
  pthread_setname_np(pthread_self(), "sh-writer");
  pthread_mutex_lock(&st->lock);
  for (;;) {
    while (!st->head && !st->stopping)
      pthread_cond_wait(&st->work, &st->lock);
    if (!st->head && st->stopping)
      break;
    struct unit *batch = st->head;
    st->head = st->tail = NULL;
    pthread_mutex_unlock(&st->lock);
    if (st->group_commit) {
      run_batch(st, batch, NULL);
    } else {
      for (struct unit *u = batch; u; u = u->next)
        run_batch(st, u, u->next);
    }
    pthread_mutex_lock(&st->lock);
    for (struct unit *u = batch; u;) {
      /* u lives on its waiter's stack, which may unwind once the lock is released: read
       * next first; the waiter cannot run before the unlock below. */
      struct unit *next = u->next;
      u->done = 1;
      pthread_cond_signal(&u->wake);
      u = next;
    }
  }
  pthread_mutex_unlock(&st->lock);
  return NULL;
}

static enum sh_status sqlite_write(void *state, store_unit_fn fn, void *arg, struct sh_error *err) {
  struct sqlite_state *st = state;
  struct sh_error local;
  struct unit u = {.fn = fn, .arg = arg, .err = err ? err : &local};
  pthread_mutex_lock(&st->lock);
  if (st->stopping) {
    pthread_mutex_unlock(&st->lock);
    return sh_fail(err, SH_ERR_UNAVAILABLE, "shutting_down", NULL, NULL);
  }
  pthread_cond_init(&u.wake, NULL);
  if (st->tail)
    st->tail->next = &u;
  else
    st->head = &u;
  st->tail = &u;
  pthread_cond_signal(&st->work);
  while (!u.done)
    pthread_cond_wait(&u.wake, &st->lock);
  pthread_mutex_unlock(&st->lock);
  pthread_cond_destroy(&u.wake);
  return u.rc;
}

/* Takes a read connection, opening one while fewer than read_pool_size exist, else waits
 * for one: a reader per worker thread would hold a page cache each and buy nothing on a
 * machine with fewer cores than workers. */
static enum sh_status reader_take(struct sqlite_state *st, struct conn **out,
                                  struct sh_error *err) {
  pthread_mutex_lock(&st->pool_lock);
  while (!st->free_readers && st->open_readers >= st->read_pool_size)
    pthread_cond_wait(&st->reader_free, &st->pool_lock);
  struct conn *c = st->free_readers;
  if (c)
    st->free_readers = c->next_free;
  else
    st->open_readers++;
  pthread_mutex_unlock(&st->pool_lock);
  if (c) {
    *out = c;
    return SH_OK;
  }
  enum sh_status rc = conn_open(st->path, true, out, err);
  if (rc != SH_OK) {
    pthread_mutex_lock(&st->pool_lock);
    st->open_readers--;
    pthread_cond_signal(&st->reader_free);
    pthread_mutex_unlock(&st->pool_lock);
  }
  return rc;
}

static void reader_give(struct sqlite_state *st, struct conn *c) {
  pthread_mutex_lock(&st->pool_lock);
  c->next_free = st->free_readers;
  st->free_readers = c;
  pthread_cond_signal(&st->reader_free);
  pthread_mutex_unlock(&st->pool_lock);
}

static enum sh_status sqlite_read(void *state, store_unit_fn fn, void *arg, struct sh_error *err) {
  struct sqlite_state *st = state;
  struct conn *c = NULL;
  enum sh_status rc = reader_take(st, &c, err);
  if (rc != SH_OK)
    return rc;
  struct store_tx tx = {.ops = &store_sqlite_ops, .conn = c};
  int src = plain(c, "BEGIN");
  if (src != SQLITE_OK) {
    rc = map_error(c->db, src, err);
  } else {
    rc = fn(&tx, arg, err);
    plain(c, rc == SH_OK ? "COMMIT" : "ROLLBACK");
    if (!sqlite3_get_autocommit(c->db))
      plain(c, "ROLLBACK");
  }
  reader_give(st, c);
  return rc;
}

static void sqlite_close(void *state) {
  struct sqlite_state *st = state;
  if (!st)
    return;
  pthread_mutex_lock(&st->lock);
  st->stopping = 1;
  pthread_cond_signal(&st->work);
  pthread_mutex_unlock(&st->lock);
  pthread_join(st->writer, NULL);
  conn_close(st->writer_conn);
  while (st->free_readers) {
    struct conn *c = st->free_readers;
    st->free_readers = c->next_free;
    conn_close(c);
  }
  pthread_mutex_destroy(&st->lock);
  pthread_mutex_destroy(&st->pool_lock);
  pthread_cond_destroy(&st->reader_free);
  pthread_cond_destroy(&st->work);
  free(st->path);
  free(st);
}

/* SQLite's memory statistics take a global mutex on every allocation, which every
 * connection of every thread contends for; shouhou never reads them. */
static void configure_library(void) {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static enum sh_status sqlite_open(const char *path, const struct store_options *options,
                                  void **state, struct sh_error *err) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, configure_library);
  if (!*path)
    return sh_fail(err, SH_ERR_INVALID, "bad_database_url", "db", "empty SQLite path");
  struct sqlite_state *st = sh_calloc(1, sizeof *st);
  if (!st)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  st->path = sh_strdup(path);
  st->group_commit = options->group_commit;
  st->read_pool_size = options->read_pool_size > 0 ? options->read_pool_size : 16;
  pthread_mutex_init(&st->lock, NULL);
  pthread_mutex_init(&st->pool_lock, NULL);
  pthread_cond_init(&st->reader_free, NULL);
  pthread_cond_init(&st->work, NULL);
  enum sh_status rc = conn_open(st->path, false, &st->writer_conn, err);
  if (rc != SH_OK) {
    free(st->path);
    free(st);
    return rc;
  }
  if (pthread_create(&st->writer, NULL, writer_main, st) != 0) {
    conn_close(st->writer_conn);
    free(st->path);
    free(st);
    return sh_fail(err, SH_ERR_INTERNAL, "thread_create_failed", NULL, NULL);
  }
  *state = st;
  return SH_OK;
}

const struct store_ops store_sqlite_ops = {
    .dialect = STORE_SQLITE,
    .open = sqlite_open,
    .close = sqlite_close,
    .write = sqlite_write,
    .read = sqlite_read,
    .exec = sqlite_exec,
    .exec_script = sqlite_exec_script,
};
