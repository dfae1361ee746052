/* store.c — driver selection, dispatch and fetched results (see store.h). */
#include "driver.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/mem.h"

struct cell {
  char *text; /* NULL for SQL NULL */
  size_t len;
};

struct store_rows {
  size_t ncols, nrows, cap;
  struct cell *cells; /* nrows * ncols, row-major */
};

enum sh_status store_open(const char *url, const struct store_options *options, struct store **out,
                          struct sh_error *err) {
  const struct store_ops *ops = NULL;
  const char *rest = url;
  if (strncmp(url, "sqlite:", 7) == 0) {
    ops = &store_sqlite_ops;
    rest = url + 7;
  } else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
    ops = &store_pg_ops;
  } else {
    return sh_fail(err, SH_ERR_INVALID, "bad_database_url", "db",
                   "expected sqlite:PATH or postgres://...");
  }
  struct store_options defaults = {.group_commit = true, .read_pool_size = 16};
  struct store *store = sh_calloc(1, sizeof *store);
  if (!store)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  store->ops = ops;
  enum sh_status rc = ops->open(rest, options ? options : &defaults, &store->state, err);
  if (rc != SH_OK) {
    free(store);
    return rc;
  }
  *out = store;
  return SH_OK;
}

void store_close(struct store *store) {
  if (!store)
    return;
  store->ops->close(store->state);
  free(store);
}

enum store_dialect store_dialect_of(const struct store *store) {
  return store->ops->dialect;
}

/* Wraps a unit so that its statements count in the store's statistics. */
struct counted_unit {
  struct store *store;
  store_unit_fn fn;
  void *arg;
};

static enum sh_status counted(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct counted_unit *u = arg;
  tx->stats = &u->store->stats;
  return u->fn(tx, u->arg, err);
}

enum sh_status store_write(struct store *store, store_unit_fn fn, void *arg, struct sh_error *err) {
  struct counted_unit u = {store, fn, arg};
  sh_error_clear(err);
  return store->ops->write(store->state, counted, &u, err);
}

enum sh_status store_read(struct store *store, store_unit_fn fn, void *arg, struct sh_error *err) {
  struct counted_unit u = {store, fn, arg};
  sh_error_clear(err);
  return store->ops->read(store->state, counted, &u, err);
}

void store_stats_read(struct store *store, uint64_t *statements, uint64_t *nanoseconds) {
  *statements = atomic_load(&store->stats.statements);
  *nanoseconds = atomic_load(&store->stats.nanoseconds);
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum sh_status store_exec(struct store_tx *tx, const char *sql, const struct store_param *params,
                          int nparams, struct store_rows **rows, struct sh_error *err) {
  if (nparams > 0 && !params)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "parameters missing");
  uint64_t start = tx->stats ? monotonic_ns() : 0;
  enum sh_status rc = tx->ops->exec(tx, sql, params, nparams, rows, err);
  if (tx->stats) {
    atomic_fetch_add(&tx->stats->statements, 1);
    atomic_fetch_add(&tx->stats->nanoseconds, monotonic_ns() - start);
  }
  return rc;
}

enum sh_status store_exec_script(struct store_tx *tx, const char *sql, struct sh_error *err) {
  return tx->ops->exec_script(tx, sql, err);
}

int64_t store_changes(struct store_tx *tx) {
  return tx->changes;
}

enum store_dialect store_tx_dialect(const struct store_tx *tx) {
  return tx->ops->dialect;
}

struct store_rows *rows_new(size_t ncols) {
  struct store_rows *rows = sh_calloc(1, sizeof *rows);
  if (rows)
    rows->ncols = ncols;
  return rows;
}

enum sh_status rows_add(struct store_rows *rows, const char *const *cells, const size_t *lens) {
  if (rows->nrows == rows->cap) {
    size_t cap = rows->cap ? rows->cap * 2 : 8;
    struct cell *c = sh_reallocarray(rows->cells, cap * (rows->ncols ? rows->ncols : 1), sizeof *c);
    if (!c)
      return SH_ERR_INTERNAL;
    rows->cells = c;
    rows->cap = cap;
  }
  struct cell *row = rows->cells + rows->nrows * rows->ncols;
  for (size_t i = 0; i < rows->ncols; i++) {
    row[i].text = NULL;
    row[i].len = 0;
    if (cells[i]) {
      /* Copy by length, not as a C string: a blob may hold NUL bytes. */
      row[i].text = sh_calloc(lens[i] + 1, 1);
      if (row[i].text)
        memcpy(row[i].text, cells[i], lens[i]);
      if (!row[i].text) {
        for (size_t k = 0; k < i; k++)
          free(row[k].text);
        return SH_ERR_INTERNAL;
      }
      row[i].len = lens[i];
    }
  }
  rows->nrows++;
  return SH_OK;
}

size_t store_rows_count(const struct store_rows *rows) {
  return rows ? rows->nrows : 0;
}

static const struct cell *cell_at(const struct store_rows *rows, size_t row, size_t col) {
  if (!rows || row >= rows->nrows || col >= rows->ncols)
    return NULL;
  return &rows->cells[row * rows->ncols + col];
}

bool store_rows_null(const struct store_rows *rows, size_t row, size_t col) {
  const struct cell *c = cell_at(rows, row, col);
  return !c || !c->text;
}

int64_t store_rows_int(const struct store_rows *rows, size_t row, size_t col) {
  const struct cell *c = cell_at(rows, row, col);
  if (!c || !c->text)
    return 0;
  return strtoll(c->text, NULL, 10);
}

const char *store_rows_text(const struct store_rows *rows, size_t row, size_t col) {
  const struct cell *c = cell_at(rows, row, col);
  return c ? c->text : NULL;
}

char *store_rows_strdup(const struct store_rows *rows, size_t row, size_t col) {
  return sh_strdup(store_rows_text(rows, row, col));
}

bool store_rows_fill(const struct store_rows *rows, size_t r, const struct store_field *fields,
                     size_t nfields, void *obj) {
  char *base = obj;
  for (size_t i = 0; i < nfields; i++) {
    void *member = base + fields[i].offset;
    switch (fields[i].type) {
    case STORE_F_INT:
      *(int64_t *)member = store_rows_int(rows, r, i);
      break;
    case STORE_F_BOOL:
      *(bool *)member = store_rows_int(rows, r, i) != 0;
      break;
    case STORE_F_TEXT:
      if (!store_rows_null(rows, r, i) && !(*(char **)member = store_rows_strdup(rows, r, i)))
        return false;
      break;
    }
  }
  return true;
}

void store_fields_free(const struct store_field *fields, size_t nfields, void *obj) {
  char *base = obj;
  for (size_t i = 0; i < nfields; i++)
    if (fields[i].type == STORE_F_TEXT) {
      char **member = (char **)(void *)(base + fields[i].offset);
      free(*member);
      *member = NULL;
    }
}

void store_list_free(const struct store_field *fields, size_t nfields, size_t size, void *list,
                     size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(fields, nfields, (char *)list + i * size);
  free(list);
}

enum sh_status store_rows_fill_all(const struct store_rows *rows, const struct store_field *fields,
                                   size_t nfields, size_t size, void **out, size_t *count,
                                   struct sh_error *err) {
  size_t n = store_rows_count(rows), i = 0;
  char *list = sh_calloc(n ? n : 1, size);
  for (; list && i < n; i++)
    if (!store_rows_fill(rows, i, fields, nfields, list + i * size))
      break;
  if (!list || i < n) {
    /* calloc'd: the structs not reached hold only NULLs */
    store_list_free(fields, nfields, size, list, n);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  *out = list;
  *count = n;
  return SH_OK;
}

char *store_like_pattern(const char *q) {
  size_t n = strlen(q), k = 0;
  char *p = sh_calloc(2 * n + 3, 1);
  if (!p)
    return NULL;
  p[k++] = '%';
  for (size_t i = 0; i < n; i++) {
    if (q[i] == '%' || q[i] == '_' || q[i] == '!')
      p[k++] = '!';
    p[k++] = q[i];
  }
  p[k] = '%';
  return p;
}

void store_rows_free(struct store_rows *rows) {
  if (!rows)
    return;
  for (size_t i = 0; i < rows->nrows * rows->ncols; i++)
    free(rows->cells[i].text);
  free(rows->cells);
  free(rows);
}
