/* driver.h — what a storage driver provides (private to src/store/). sqlite.c and pg.c each
 * fill in one struct store_ops; store.c dispatches to it (the SQLite VFS pattern). */
#ifndef SHOUHOU_STORE_DRIVER_H
#define SHOUHOU_STORE_DRIVER_H

#include "store.h"

struct store_ops {
  enum store_dialect dialect;
  enum sh_status (*open)(const char *url, const struct store_options *options, void **state,
                         struct sh_error *err);
  void (*close)(void *state);
  enum sh_status (*write)(void *state, store_unit_fn fn, void *arg, struct sh_error *err);
  enum sh_status (*read)(void *state, store_unit_fn fn, void *arg, struct sh_error *err);
  enum sh_status (*exec)(struct store_tx *tx, const char *sql, const struct store_param *params,
                         int nparams, struct store_rows **rows, struct sh_error *err);
  enum sh_status (*exec_script)(struct store_tx *tx, const char *sql, struct sh_error *err);
};

struct store {
  const struct store_ops *ops;
  void *state;
  struct store_stats stats;
};

/* A transaction handle: the driver's connection plus what the last statement changed. */
struct store_tx {
  const struct store_ops *ops;
  void *conn;
  int64_t changes;
  struct store_stats *stats; /* set by store.c around every unit; NULL otherwise */
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* Result building for drivers. Cells are copied. */
struct store_rows *rows_new(size_t ncols);
enum sh_status rows_add(struct store_rows *rows, const char *const *cells, const size_t *lens);

#endif
