/* store.h — the storage interface: one API, two drivers (sqlite.c, pg.c).
 *
 * Design: callers never see a connection. Work is a *unit*: a function that receives a
 * transaction handle and does every read that decides its writes on that handle (DESIGN.md
 * "Writes"). store_write runs a unit in a write transaction — on SQLite through the writer
 * thread, which commits concurrent units together (group commit) while each still succeeds
 * or fails alone inside its own SAVEPOINT; on PostgreSQL in its own transaction on a pooled
 * connection. store_write returns only after the commit returned, so an acknowledged write
 * is durable. store_read runs a unit in a read-only snapshot.
 *
 * SQL is written once with $1..$N placeholders and bound parameters only; the SQLite driver
 * rewrites them to ?1..?N (SQLite numbers $N by first appearance — DESIGN.md pitfall).
 * Where the dialects differ, the entity file asks store_tx_dialect and picks its text. */
#ifndef SHOUHOU_STORE_H
#define SHOUHOU_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"

struct store;      /* a database: its connections and, on SQLite, the writer thread */
struct store_tx;   /* a transaction handle, valid only inside a unit */
struct store_rows; /* a fully fetched result */

enum store_dialect { STORE_SQLITE = 1, STORE_POSTGRES = 2 };

struct store_options {
  bool group_commit;  /* SQLite: batch concurrent units into one commit (default true) */
  int read_pool_size; /* connections kept for reads (SQLite) or for all work (PostgreSQL) */
};

/* A unit of work. Returns SH_OK to keep its writes or fills err and returns a status to have
 * them rolled back. It must not catch a store error and carry on (PostgreSQL aborts the
 * whole transaction after an error). */
typedef enum sh_status (*store_unit_fn)(struct store_tx *tx, void *arg, struct sh_error *err);

/* Opens "sqlite:PATH" or "postgres://..." / "postgresql://...". The database is not
 * migrated here (see migrate.h). Caller frees with store_close(). */
enum sh_status store_open(const char *url, const struct store_options *options, struct store **out,
                          struct sh_error *err);
/* Stops the writer thread after the queued units, closes every connection. NULL is fine. */
void store_close(struct store *store);

enum store_dialect store_dialect_of(const struct store *store);

/* Statements run and the time they took, for /metrics. */
struct store_stats {
  _Atomic uint64_t statements;
  _Atomic uint64_t nanoseconds;
};
void store_stats_read(struct store *store, uint64_t *statements, uint64_t *nanoseconds);

/* Runs fn in a write transaction (see the file comment). */
enum sh_status store_write(struct store *store, store_unit_fn fn, void *arg, struct sh_error *err);
/* Runs fn in a read-only transaction. */
enum sh_status store_read(struct store *store, store_unit_fn fn, void *arg, struct sh_error *err);

/* A bound parameter. Text is borrowed for the call; a NULL text binds SQL NULL. */
enum store_param_type { STORE_P_NULL, STORE_P_INT, STORE_P_TEXT, STORE_P_BLOB };
struct store_param {
  enum store_param_type type;
  int64_t i;
  const char *s;
  size_t len; /* STORE_P_BLOB only */
};
#define SP_NULL() ((struct store_param){.type = STORE_P_NULL})
#define SP_INT(v) ((struct store_param){.type = STORE_P_INT, .i = (int64_t)(v)})
#define SP_TEXT(v) ((struct store_param){.type = STORE_P_TEXT, .s = (v)})
#define SP_BOOL(v) ((struct store_param){.type = STORE_P_INT, .i = (v) ? 1 : 0})

/* Runs one statement. rows (may be NULL) receives every result row; the caller frees it
 * with store_rows_free. Constraint violations come back as SH_ERR_CONFLICT with code
 * "duplicate" (unique) or "constraint"; anything else the database refuses is
 * SH_ERR_UNAVAILABLE. */
enum sh_status store_exec(struct store_tx *tx, const char *sql, const struct store_param *params,
                          int nparams, struct store_rows **rows, struct sh_error *err);

/* Rows changed by the last INSERT/UPDATE/DELETE on this handle. */
int64_t store_changes(struct store_tx *tx);
enum store_dialect store_tx_dialect(const struct store_tx *tx);

/* Result access. Rows and columns count from 0. Text is borrowed from the result. */
size_t store_rows_count(const struct store_rows *rows);
bool store_rows_null(const struct store_rows *rows, size_t row, size_t col);
int64_t store_rows_int(const struct store_rows *rows, size_t row, size_t col);
const char *store_rows_text(const struct store_rows *rows, size_t row,
                            size_t col); /* NULL if null */
/* Copies a text cell (NULL if null). Caller frees. */
char *store_rows_strdup(const struct store_rows *rows, size_t row, size_t col);
void store_rows_free(struct store_rows *rows);

/* Filling a struct from a result row by a table of columns (entity files with many columns
 * describe them once). INT fills an int64_t (NULL gives 0), TEXT a heap char * (NULL stays
 * NULL), BOOL a bool. */
enum store_field_type { STORE_F_INT, STORE_F_TEXT, STORE_F_BOOL };
struct store_field {
  enum store_field_type type;
  size_t offset; /* offsetof the member */
};
/* Fills obj's members from row r, column i from fields[i]. False when out of memory (obj
 * then holds what was filled: free it with store_fields_free). */
bool store_rows_fill(const struct store_rows *rows, size_t r, const struct store_field *fields,
                     size_t nfields, void *obj);
/* Frees the TEXT members of obj named by fields (not obj itself). */
void store_fields_free(const struct store_field *fields, size_t nfields, void *obj);
/* Every row into a new array of structs of `size` bytes, each by store_rows_fill; *out is
 * never NULL on success (an empty list is one zeroed struct, count 0). Out of memory: 500
 * out_of_memory, outputs untouched. Free with store_list_free. */
enum sh_status store_rows_fill_all(const struct store_rows *rows, const struct store_field *fields,
                                   size_t nfields, size_t size, void **out, size_t *count,
                                   struct sh_error *err);
/* Frees an array made by store_rows_fill_all (NULL is fine). */
void store_list_free(const struct store_field *fields, size_t nfields, size_t size, void *list,
                     size_t count);

/* "%q%" for LIKE ... ESCAPE '!': q's own %, _ and ! escaped with !, so a search for "50%"
 * finds the text "50%". NULL when out of memory. Caller frees. */
char *store_like_pattern(const char *q);

/* Runs a whole SQL script (several statements, no parameters) on the handle; for
 * migrations. */
enum sh_status store_exec_script(struct store_tx *tx, const char *sql, struct sh_error *err);

#endif
