/* audit.h — the audit trail rows (SPEC L: who, when, before, after). */
#ifndef SHOUHOU_STORE_AUDIT_H
#define SHOUHOU_STORE_AUDIT_H

#include <stdint.h>

#include "store.h"

struct audit_record {
  int64_t id;
  int64_t at;       /* UTC seconds */
  int64_t actor_id; /* 0 for the command line */
  char *actor_name;
  char *entity;      /* "customer", "user", "setting", "session", "token" */
  int64_t entity_id; /* 0 when the entity has no numeric id (a setting) */
  char *action;      /* "create", "update", "delete", "login", ... */
  char *changes;     /* JSON: {"field":{"old":…,"new":…}} or details */
  char *address;
};

void audit_record_free(struct audit_record *a);

enum sh_status store_audit_insert(struct store_tx *tx, const struct audit_record *a,
                                  struct sh_error *err);

struct audit_filter {
  const char *entity; /* NULL: any */
  int64_t entity_id;  /* 0: any */
  int64_t actor_id;   /* 0: any */
  const char *action; /* NULL: any */
  int64_t from, to;   /* UTC seconds, inclusive from, exclusive to; 0: open */
  int64_t before_id;  /* keyset cursor: only rows with id < before_id; 0: from the newest */
  int64_t limit;
};

/* Newest first. *total counts every row of the filter (ignoring before_id). */
enum sh_status store_audit_list(struct store_tx *tx, const struct audit_filter *f,
                                struct audit_record **out, size_t *count, int64_t *total,
                                struct sh_error *err);

/* One audit row as the live-update watcher sees it (http/events.c): which kind of thing
 * changed, never which one or how. */
struct audit_mark {
  int64_t id;
  char entity[40]; /* "" if the name was longer */
  char action[24]; /* "" if the name was longer */
};

/* Up to limit rows with id > after_id, oldest first, into out (room for limit). *newest gets
 * the largest id in the table (0 when empty). limit 0 reads only *newest. */
enum sh_status store_audit_after(struct store_tx *tx, int64_t after_id, size_t limit,
                                 struct audit_mark *out, size_t *count, int64_t *newest,
                                 struct sh_error *err);

#endif
