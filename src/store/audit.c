/* audit.c — SQL for the audit trail. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

void audit_record_free(struct audit_record *a) {
  if (!a)
    return;
  free(a->actor_name);
  free(a->entity);
  free(a->action);
  free(a->changes);
  free(a->address);
}

enum sh_status store_audit_insert(struct store_tx *tx, const struct audit_record *a,
                                  struct sh_error *err) {
  struct store_param p[] = {
      SP_INT(a->at),       a->actor_id ? SP_INT(a->actor_id) : SP_NULL(),   SP_TEXT(a->actor_name),
      SP_TEXT(a->entity),  a->entity_id ? SP_INT(a->entity_id) : SP_NULL(), SP_TEXT(a->action),
      SP_TEXT(a->changes), SP_TEXT(a->address ? a->address : ""),
  };
  return store_exec(tx,
                    "INSERT INTO audit (at, actor_id, actor_name, entity, entity_id, action, "
                    "changes, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    p, 8, NULL, err);
}

#define AUDIT_WHERE                                                                                \
  " WHERE (CAST($1 AS TEXT) IS NULL OR entity = $1)"                                               \
  " AND ($2 = 0 OR entity_id = $2) AND ($3 = 0 OR actor_id = $3)"                                  \
  " AND (CAST($4 AS TEXT) IS NULL OR action = $4)"                                                 \
  " AND ($5 = 0 OR at >= $5) AND ($6 = 0 OR at < $6)"

enum sh_status store_audit_list(struct store_tx *tx, const struct audit_filter *f,
                                struct audit_record **out, size_t *count, int64_t *total,
                                struct sh_error *err) {
  struct store_rows *rows = NULL, *counted = NULL;
  struct audit_record *list = NULL;
  struct store_param p[] = {
      SP_TEXT(f->entity), SP_INT(f->entity_id), SP_INT(f->actor_id),  SP_TEXT(f->action),
      SP_INT(f->from),    SP_INT(f->to),        SP_INT(f->before_id), SP_INT(f->limit),
  };
  enum sh_status rc = store_exec(tx, "SELECT count(*) FROM audit" AUDIT_WHERE, p, 6, &counted, err);
  if (rc == SH_OK)
    rc = store_exec(tx,
                    "SELECT id, at, COALESCE(actor_id, 0), actor_name, entity, "
                    "COALESCE(entity_id, 0), action, changes, address FROM audit" AUDIT_WHERE
                    " AND ($7 = 0 OR id < $7) ORDER BY id DESC LIMIT $8",
                    p, 8, &rows, err);
  if (rc != SH_OK)
    goto out;
  size_t n = store_rows_count(rows);
  list = sh_calloc(n, sizeof *list);
  if (!list) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    list[i].id = store_rows_int(rows, i, 0);
    list[i].at = store_rows_int(rows, i, 1);
    list[i].actor_id = store_rows_int(rows, i, 2);
    list[i].actor_name = store_rows_strdup(rows, i, 3);
    list[i].entity = store_rows_strdup(rows, i, 4);
    list[i].entity_id = store_rows_int(rows, i, 5);
    list[i].action = store_rows_strdup(rows, i, 6);
    list[i].changes = store_rows_strdup(rows, i, 7);
    list[i].address = store_rows_strdup(rows, i, 8);
  }
  *out = list;
  *count = n;
  *total = store_rows_int(counted, 0, 0);
  list = NULL;
out:
  free(list);
  store_rows_free(rows);
  store_rows_free(counted);
  return rc;
}

enum sh_status store_audit_after(struct store_tx *tx, int64_t after_id, size_t limit,
                                 struct audit_mark *out, size_t *count, int64_t *newest,
                                 struct sh_error *err) {
  struct store_rows *rows = NULL;
  *count = 0;
  enum sh_status rc = store_exec(tx, "SELECT COALESCE(max(id), 0) FROM audit", NULL, 0, &rows, err);
  if (rc != SH_OK)
    return rc;
  *newest = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  rows = NULL;
  if (limit == 0 || *newest <= after_id)
    return SH_OK;
  struct store_param p[] = {SP_INT(after_id), SP_INT((int64_t)limit)};
  rc = store_exec(tx, "SELECT id, entity, action FROM audit WHERE id > $1 ORDER BY id LIMIT $2", p,
                  2, &rows, err);
  if (rc != SH_OK)
    return rc;
  size_t n = store_rows_count(rows);
  for (size_t i = 0; i < n && i < limit; i++) {
    const char *entity = store_rows_text(rows, i, 1), *action = store_rows_text(rows, i, 2);
    out[i].id = store_rows_int(rows, i, 0);
    out[i].entity[0] = out[i].action[0] = '\0';
    if (entity && strlen(entity) < sizeof out[i].entity)
      snprintf(out[i].entity, sizeof out[i].entity, "%s", entity);
    if (action && strlen(action) < sizeof out[i].action)
      snprintf(out[i].action, sizeof out[i].action, "%s", action);
    (*count)++;
  }
  store_rows_free(rows);
  return SH_OK;
}
